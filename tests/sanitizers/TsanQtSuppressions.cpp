// Linked into every test under ThreadSanitizer. Qt is not built with TSan, and Qt 6 locks its
// QMutex with raw futexes TSan cannot see, so QtTest's watchdog thread (a QWaitCondition that the
// main thread wakes and destroys) reports races that are not there.
//
// Why this hides none of ours: the engine never uses Qt, and TSan shows an uninstrumented frame
// only as the direct caller of an intercepted call (malloc, pthread_*), so a frame in QtTest or
// QWaitCondition appears only when Qt itself made the access.
extern "C" const char* __tsan_default_suppressions()
{
    return "race:QWaitCondition\n"
           "race:libQt6Test.so\n";
}
