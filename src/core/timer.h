#ifndef TELRISK_CORE_TIMER_H
#define TELRISK_CORE_TIMER_H

/* Wall-clock seconds from a monotonic clock. */
double tr_now(void);

#endif
