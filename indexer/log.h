/* log.h - --log FILE: every line the indexer writes to standard error is
 * also appended to FILE, with a timestamp, so that a scheduled run leaves
 * a record without changing how its messages are made. */
#ifndef NA_INDEX_LOG_H
#define NA_INDEX_LOG_H

/* Opens PATH for appending (creating it 0644) and from now on copies each
 * line written to standard error into it as "YYYY-MM-DDTHH:MM:SSZ line",
 * while the line still reaches the original standard error.  Returns 0 or
 * an errno value (nothing changes then). */
int na_log_start(const char *path);

/* Flushes standard error and waits until every line has reached the log;
 * then standard error is the original one again.  Returns 0 or the errno
 * value of the first failed write to the log.  Does nothing when
 * na_log_start() was not called. */
int na_log_stop(void);

#endif
