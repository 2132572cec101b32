# Runs `cmake --install` of the build tree into a scratch prefix and checks that the key files
# landed where the packages and the desktop expect them.
# Usage: cmake -DCMAKE_COMMAND=... -DBUILD_DIR=... -DPREFIX=... -DBINDIR=bin -DDATADIR=share
#              -DDOCDIR=share/doc/txscope -DAPP_ID=... -DEXPECT_GUI=ON|OFF -P check-install.cmake
foreach(var CMAKE_COMMAND BUILD_DIR PREFIX BINDIR DATADIR DOCDIR APP_ID)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "check-install.cmake: ${var} is not set")
    endif()
endforeach()

file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake --install failed (${rc}):\n${out}\n${err}")
endif()

set(expected
    "${BINDIR}/txscope-cli"
    "${DOCDIR}/README.md"
    "${DOCDIR}/cli.md"
    "${DATADIR}/txscope/scenarios/lost-update.txs"
    "${DATADIR}/txscope/scenarios/seed-concurrent-writes.txs")
if(EXPECT_GUI)
    list(APPEND expected
        "${BINDIR}/txscope"
        "${DATADIR}/applications/${APP_ID}.desktop"
        "${DATADIR}/metainfo/${APP_ID}.metainfo.xml"
        "${DATADIR}/icons/hicolor/scalable/apps/txscope.svg")
endif()

set(missing "")
foreach(f IN LISTS expected)
    if(NOT EXISTS "${PREFIX}/${f}")
        list(APPEND missing "${f}")
    endif()
endforeach()
if(missing)
    list(JOIN missing "\n  " missing_text)
    message(FATAL_ERROR "Missing after cmake --install into ${PREFIX}:\n  ${missing_text}")
endif()
file(GLOB scenarios "${PREFIX}/${DATADIR}/txscope/scenarios/*.txs")
list(LENGTH scenarios n)
message(STATUS "cmake --install into ${PREFIX}: ${n} scenarios and all key files present")
file(REMOVE_RECURSE "${PREFIX}")
