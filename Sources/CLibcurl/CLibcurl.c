// libcurl, loaded when the network is first used instead of when haze starts.
//
// FoundationNetworking calls libcurl directly. Linking libcurl makes the
// dynamic loader map and initialise it and its thirty dependencies (GnuTLS,
// Kerberos, LDAP, libssh2 …) in every process: 4.5 ms of every `haze`
// command, most of which never touch the network. These definitions take
// the place of the libcurl functions FoundationNetworking uses (the list
// `nm -u` shows for lib_CFURLSessionInterface.a) and forward each call to
// libcurl.so.4, opened with dlopen on the first call.
//
// The variadic options are passed on with the type libcurl itself reads for
// the option's number (lib/setopt.c, lib/getinfo.c), so no argument is
// reinterpreted. HazeNet calls haze_libcurl_load before creating a session,
// so a machine without libcurl gets a message instead of an abort here.
#define CURL_DISABLE_TYPECHECK 1
// curl_url_get's handle became const in later libcurl releases: the header's
// declaration is set aside so the one definition here fits either header.
#define curl_url_get haze_declared_curl_url_get
#include <curl/curl.h>
#undef curl_url_get
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CLibcurl.h"

// Release binaries link FoundationNetworking statically: the forwarders are
// found at link time and stay out of the dynamic symbol table, so libcurl's
// calls to its own functions never come back through them. Debug builds
// (HAZE_EXPORT_CURL) export them to stand in front of libcurl for the shared
// FoundationNetworking.
#if defined(HAZE_EXPORT_CURL)
#define FORWARDER __attribute__((visibility("default")))
#else
#define FORWARDER __attribute__((visibility("hidden")))
#endif

struct functions {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    CURLcode (*easy_pause)(CURL *, int);
    const char *(*easy_strerror)(CURLcode);
    void (*free)(void *);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_assign)(CURLM *, curl_socket_t, void *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLMcode (*multi_socket_action)(CURLM *, curl_socket_t, int, int *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLU *(*url)(void);
    CURLUcode (*url_get)(const CURLU *, CURLUPart, char **, unsigned int);
    CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
    char *(*version)(void);
    curl_version_info_data *(*version_info)(CURLversion);
};

static struct functions real;

static pthread_once_t loading = PTHREAD_ONCE_INIT;
static int loaded;
static char failure[512];
/// Set while this thread opens the library: a curl call from inside dlopen
/// (a library's constructor) would wait on `loading` for ever.
static _Thread_local int opening;

/// The name being opened, for messages (per thread: a probe may run beside the load).
static _Thread_local const char *opened_name = "";

static int resolve(void *library, const char *name, void *slot, char *reason, size_t capacity) {
    void *address = dlsym(library, name);
    if (address == NULL) {
        snprintf(reason, capacity, "the %s found has no %s: not libcurl 7.62 or newer (check LD_LIBRARY_PATH)",
                 opened_name, name);
        return 0;
    }
    // POSIX: a function's address from dlsym is used through a function pointer.
    memcpy(slot, &address, sizeof address);
    return 1;
}

/// Opens `name` and finds every function: the library's handle, or NULL with the reason.
static void *open_library(const char *name, struct functions *into, char *reason, size_t capacity) {
    opened_name = name;
    void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(reason, capacity, "%s", why != NULL ? why : "it could not be opened");
        return NULL;
    }
    int found = resolve(library, "curl_global_init", &into->global_init, reason, capacity)
        && resolve(library, "curl_easy_init", &into->easy_init, reason, capacity)
        && resolve(library, "curl_easy_cleanup", &into->easy_cleanup, reason, capacity)
        && resolve(library, "curl_easy_setopt", &into->easy_setopt, reason, capacity)
        && resolve(library, "curl_easy_getinfo", &into->easy_getinfo, reason, capacity)
        && resolve(library, "curl_easy_pause", &into->easy_pause, reason, capacity)
        && resolve(library, "curl_easy_strerror", &into->easy_strerror, reason, capacity)
        && resolve(library, "curl_free", &into->free, reason, capacity)
        && resolve(library, "curl_multi_init", &into->multi_init, reason, capacity)
        && resolve(library, "curl_multi_cleanup", &into->multi_cleanup, reason, capacity)
        && resolve(library, "curl_multi_setopt", &into->multi_setopt, reason, capacity)
        && resolve(library, "curl_multi_add_handle", &into->multi_add_handle, reason, capacity)
        && resolve(library, "curl_multi_remove_handle", &into->multi_remove_handle, reason, capacity)
        && resolve(library, "curl_multi_assign", &into->multi_assign, reason, capacity)
        && resolve(library, "curl_multi_info_read", &into->multi_info_read, reason, capacity)
        && resolve(library, "curl_multi_socket_action", &into->multi_socket_action, reason, capacity)
        && resolve(library, "curl_slist_append", &into->slist_append, reason, capacity)
        && resolve(library, "curl_slist_free_all", &into->slist_free_all, reason, capacity)
        && resolve(library, "curl_url", &into->url, reason, capacity)
        && resolve(library, "curl_url_get", &into->url_get, reason, capacity)
        && resolve(library, "curl_url_set", &into->url_set, reason, capacity)
        && resolve(library, "curl_version", &into->version, reason, capacity)
        && resolve(library, "curl_version_info", &into->version_info, reason, capacity);
    if (!found) {
        dlclose(library);
        return NULL;
    }
    return library;
}

static void load(void) {
    opening = 1;
    loaded = open_library("libcurl.so.4", &real, failure, sizeof failure) != NULL;
    opening = 0;
}

int haze_libcurl_load(char *reason, size_t capacity) {
    pthread_once(&loading, load);
    if (!loaded && reason != NULL && capacity > 0) {
        snprintf(reason, capacity, "%s", failure);
    }
    return loaded;
}

int haze_libcurl_probe(const char *name, char *reason, size_t capacity) {
    struct functions scratch;
    char ignored[8];
    void *library = open_library(name, &scratch, reason != NULL ? reason : ignored,
                                 reason != NULL ? capacity : sizeof ignored);
    if (library == NULL) {
        return 0;
    }
    dlclose(library);
    return 1;
}

/// Every forwarder starts here. Reaching it without libcurl means a caller
/// skipped haze_libcurl_load: stop with the reason rather than call nothing.
static void require(void) {
    if (opening) {
        fprintf(stderr, "haze: libcurl.so.4 called libcurl while being opened (not the libcurl haze expects; check LD_LIBRARY_PATH)\n");
        abort();
    }
    pthread_once(&loading, load);
    if (!loaded) {
        fprintf(stderr, "haze: the network needs libcurl, which could not be loaded: %s\n", failure);
        abort();
    }
}

FORWARDER CURLcode curl_global_init(long flags) { require(); return real.global_init(flags); }
FORWARDER CURL *curl_easy_init(void) { require(); return real.easy_init(); }
FORWARDER void curl_easy_cleanup(CURL *handle) { require(); real.easy_cleanup(handle); }
FORWARDER CURLcode curl_easy_pause(CURL *handle, int bitmask) { require(); return real.easy_pause(handle, bitmask); }
FORWARDER const char *curl_easy_strerror(CURLcode code) { require(); return real.easy_strerror(code); }
FORWARDER void curl_free(void *pointer) { require(); real.free(pointer); }
FORWARDER CURLM *curl_multi_init(void) { require(); return real.multi_init(); }
FORWARDER CURLMcode curl_multi_cleanup(CURLM *multi) { require(); return real.multi_cleanup(multi); }
FORWARDER CURLMcode curl_multi_add_handle(CURLM *multi, CURL *handle) { require(); return real.multi_add_handle(multi, handle); }
FORWARDER CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *handle) { require(); return real.multi_remove_handle(multi, handle); }
FORWARDER CURLMcode curl_multi_assign(CURLM *multi, curl_socket_t socket, void *pointer) {
    require();
    return real.multi_assign(multi, socket, pointer);
}
FORWARDER CURLMsg *curl_multi_info_read(CURLM *multi, int *queued) { require(); return real.multi_info_read(multi, queued); }
FORWARDER CURLMcode curl_multi_socket_action(CURLM *multi, curl_socket_t socket, int mask, int *running) {
    require();
    return real.multi_socket_action(multi, socket, mask, running);
}
FORWARDER struct curl_slist *curl_slist_append(struct curl_slist *list, const char *text) {
    require();
    return real.slist_append(list, text);
}
FORWARDER void curl_slist_free_all(struct curl_slist *list) { require(); real.slist_free_all(list); }
FORWARDER CURLU *curl_url(void) { require(); return real.url(); }
FORWARDER CURLUcode curl_url_get(const CURLU *url, CURLUPart what, char **part, unsigned int flags) {
    require();
    return real.url_get(url, what, part, flags);
}
FORWARDER CURLUcode curl_url_set(CURLU *url, CURLUPart what, const char *part, unsigned int flags) {
    require();
    return real.url_set(url, what, part, flags);
}
FORWARDER char *curl_version(void) { require(); return real.version(); }
FORWARDER curl_version_info_data *curl_version_info(CURLversion age) { require(); return real.version_info(age); }

// An option's number says the type of its one argument (curl.h: CURLOPTTYPE_*;
// multi options are numbered the same way): it is read from `arguments` as that
// type and passed on to `function(target, option, …)`, as libcurl itself reads it.
#define FORWARD_OPTION(result, function, target, option, arguments)                     \
    do {                                                                                \
        if ((option) < CURLOPTTYPE_OBJECTPOINT) {                                       \
            (result) = function(target, option, va_arg(arguments, long));               \
        } else if ((option) < CURLOPTTYPE_FUNCTIONPOINT) {                              \
            (result) = function(target, option, va_arg(arguments, void *));             \
        } else if ((option) < CURLOPTTYPE_OFF_T) {                                      \
            (result) = function(target, option, va_arg(arguments, void (*)(void)));     \
        } else if ((option) < CURLOPTTYPE_BLOB) {                                       \
            (result) = function(target, option, va_arg(arguments, curl_off_t));         \
        } else {                                                                        \
            (result) = function(target, option, va_arg(arguments, void *));             \
        }                                                                               \
    } while (0)

FORWARDER CURLcode curl_easy_setopt(CURL *handle, CURLoption option, ...) {
    require();
    va_list arguments;
    va_start(arguments, option);
    CURLcode result;
    FORWARD_OPTION(result, real.easy_setopt, handle, option, arguments);
    va_end(arguments);
    return result;
}

FORWARDER CURLMcode curl_multi_setopt(CURLM *multi, CURLMoption option, ...) {
    require();
    va_list arguments;
    va_start(arguments, option);
    CURLMcode result;
    FORWARD_OPTION(result, real.multi_setopt, multi, option, arguments);
    va_end(arguments);
    return result;
}

// Every CURLINFO_* is answered through a pointer.
FORWARDER CURLcode curl_easy_getinfo(CURL *handle, CURLINFO info, ...) {
    require();
    va_list arguments;
    va_start(arguments, info);
    void *destination = va_arg(arguments, void *);
    va_end(arguments);
    return real.easy_getinfo(handle, info, destination);
}
