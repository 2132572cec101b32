#pragma once
// The rules live with the event vocabulary (engine/trace/ExplainRule.h): an Explanation event's
// `a` is one, and the views below the explainer read its fix from it.
#include "engine/trace/ExplainRule.h"
