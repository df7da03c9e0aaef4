// Catch2's main, plus the suite-wide real-time check: after every test run, any allocation, free or lock that
// happened inside an audio-thread scope fails the run, whichever test caused it.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>

#include "support/RtTrap.h"

int main(int argc, char* argv[]) {
    const int failed = Catch::Session().run(argc, argv);
    const foh::test::RtViolations v = foh::test::rtViolations();
    if (v.total() != 0) {
        std::fprintf(stderr, "RT TRAP: %llu allocations, %llu frees, %llu locks happened on the audio thread\n",
                     static_cast<unsigned long long>(v.allocations), static_cast<unsigned long long>(v.frees),
                     static_cast<unsigned long long>(v.locks));
        return failed + 1;
    }
    return failed;
}
