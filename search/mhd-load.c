/* mhd-load.c - libmicrohttpd, loaded when the server first needs it.
 *
 * Only --serve uses libmicrohttpd, but linking it makes every run of
 * newsarc-search load it and what it needs (GnuTLS, nettle, p11-kit and
 * more): over half the symbols the dynamic loader binds at start, and
 * GnuTLS's start-up code, for a query that never serves.  So the program
 * is not linked with it: these definitions of the functions server.c
 * calls, with the prototypes of <microhttpd.h>, open the library
 * (NA_MHD_SONAME, found by configure) on first use and call through.
 */
#include <dlfcn.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#ifndef NA_MHD_SONAME
#define NA_MHD_SONAME "libmicrohttpd.so.12"
#endif

static struct {
    enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *, const char *);
    struct MHD_Response *(*create_response_from_buffer)(size_t, void *, enum MHD_ResponseMemoryMode);
    struct MHD_Response *(*create_response_from_callback)(uint64_t, size_t, MHD_ContentReaderCallback, void *,
                                                          MHD_ContentReaderFreeCallback);
    struct MHD_Response *(*create_response_from_fd)(size_t, int);
    void (*destroy_response)(struct MHD_Response *);
    const union MHD_ConnectionInfo *(*get_connection_info)(struct MHD_Connection *, enum MHD_ConnectionInfoType, ...);
    int (*get_connection_values_n)(struct MHD_Connection *, enum MHD_ValueKind, MHD_KeyValueIteratorN, void *);
    const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *, enum MHD_DaemonInfoType, ...);
    const char *(*lookup_connection_value)(struct MHD_Connection *, enum MHD_ValueKind, const char *);
    enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
    MHD_socket (*quiesce_daemon)(struct MHD_Daemon *);
    struct MHD_Daemon *(*start_daemon_va)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
                                          MHD_AccessHandlerCallback, void *, va_list);
    void (*stop_daemon)(struct MHD_Daemon *);
} mhd;

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Sets every pointer of MHD, or none (then says why, once). */
static void load(void)
{
    void *h = dlopen(NA_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    const char *missing = NULL;
#define GET(field, name)                                                     \
    do {                                                                     \
        *(void **)&mhd.field = h ? dlsym(h, name) : NULL;                    \
        if (h && !mhd.field && !missing)                                     \
            missing = name;                                                  \
    } while (0)
    GET(add_response_header, "MHD_add_response_header");
    GET(create_response_from_buffer, "MHD_create_response_from_buffer");
    GET(create_response_from_callback, "MHD_create_response_from_callback");
    GET(create_response_from_fd, "MHD_create_response_from_fd");
    GET(destroy_response, "MHD_destroy_response");
    GET(get_connection_info, "MHD_get_connection_info");
    GET(get_connection_values_n, "MHD_get_connection_values_n");
    GET(get_daemon_info, "MHD_get_daemon_info");
    GET(lookup_connection_value, "MHD_lookup_connection_value");
    GET(queue_response, "MHD_queue_response");
    GET(quiesce_daemon, "MHD_quiesce_daemon");
    GET(start_daemon_va, "MHD_start_daemon_va");
    GET(stop_daemon, "MHD_stop_daemon");
#undef GET
    if (!h)
        fprintf(stderr, "newsarc-search: error: cannot load '%s': %s\n", NA_MHD_SONAME, dlerror());
    else if (missing)
        fprintf(stderr, "newsarc-search: error: '%s' has no '%s'\n", NA_MHD_SONAME, missing);
    if (!h || missing)
        mhd.start_daemon_va = NULL; /* the server then cannot start, and says so */
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc, void *apc_cls,
                                    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    pthread_once(&once, load);
    if (!mhd.start_daemon_va)
        return NULL;
    va_list ap;
    va_start(ap, dh_cls);
    struct MHD_Daemon *d = mhd.start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}

/* The functions below run only once a daemon has started, so the
 * library is loaded and complete. */

void MHD_stop_daemon(struct MHD_Daemon *daemon)
{
    mhd.stop_daemon(daemon);
}

MHD_socket MHD_quiesce_daemon(struct MHD_Daemon *daemon)
{
    return mhd.quiesce_daemon(daemon);
}

/* The info kinds server.c asks for take no further argument. */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *daemon, enum MHD_DaemonInfoType info_type, ...)
{
    return mhd.get_daemon_info(daemon, info_type);
}

const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *connection,
                                                        enum MHD_ConnectionInfoType info_type, ...)
{
    return mhd.get_connection_info(connection, info_type);
}

int MHD_get_connection_values_n(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                MHD_KeyValueIteratorN iterator, void *iterator_cls)
{
    return mhd.get_connection_values_n(connection, kind, iterator, iterator_cls);
}

const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind, const char *key)
{
    return mhd.lookup_connection_value(connection, kind, key);
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
                                   struct MHD_Response *response)
{
    return mhd.queue_response(connection, status_code, response);
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer, enum MHD_ResponseMemoryMode mode)
{
    return mhd.create_response_from_buffer(size, buffer, mode);
}

struct MHD_Response *MHD_create_response_from_callback(uint64_t size, size_t block_size, MHD_ContentReaderCallback crc,
                                                       void *crc_cls, MHD_ContentReaderFreeCallback crfc)
{
    return mhd.create_response_from_callback(size, block_size, crc, crc_cls, crfc);
}

struct MHD_Response *MHD_create_response_from_fd(size_t size, int fd)
{
    return mhd.create_response_from_fd(size, fd);
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *response, const char *header, const char *content)
{
    return mhd.add_response_header(response, header, content);
}

void MHD_destroy_response(struct MHD_Response *response)
{
    mhd.destroy_response(response);
}
