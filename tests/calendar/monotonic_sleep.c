/* Preloaded before libfaketime by `make test-calendar`: sleeps on the monotonic clock go straight to
 * the kernel.
 *
 * The calendar run fakes the wall clock only (FAKETIME_DONT_FAKE_MONOTONIC=1), but libfaketime 0.9.10
 * (Debian 12's) still shifts the deadline of clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) by the
 * faked offset; the kernel refuses the negative deadline, so every time.sleep() of Python 3.11 fails
 * with EINVAL (wolfcw/libfaketime#426). Sleeps on the faked clocks still go through libfaketime. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *request, struct timespec *remain)
{
    static clock_nanosleep_fn faked;

    if (clock == CLOCK_MONOTONIC)  /* returns the error number, as clock_nanosleep does */
        return syscall(SYS_clock_nanosleep, clock, flags, request, remain) == 0 ? 0 : errno;
    if (!faked)
        faked = (clock_nanosleep_fn)dlsym(RTLD_NEXT, "clock_nanosleep");
    return faked(clock, flags, request, remain);
}
