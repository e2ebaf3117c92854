#ifndef HAZE_CLIBCURL_H
#define HAZE_CLIBCURL_H

#include <stddef.h>

/// Loads libcurl (once per process) for FoundationNetworking. Returns 1 when
/// it is loaded; otherwise 0, with the loader's reason copied into `reason`.
int haze_libcurl_load(char *reason, size_t capacity);

/// Whether the library `name` would do (opens it and finds every function
/// haze forwards), without using it; 0 with the reason otherwise.
int haze_libcurl_probe(const char *name, char *reason, size_t capacity);

#endif
