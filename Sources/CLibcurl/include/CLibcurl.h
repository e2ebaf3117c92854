#ifndef HAZE_CLIBCURL_H
#define HAZE_CLIBCURL_H

#include <stddef.h>

/// Loads libcurl (once per process) for FoundationNetworking. Returns 1 when
/// it is loaded; otherwise 0, with the loader's reason copied into `reason`.
int haze_libcurl_load(char *reason, size_t capacity);

/// Whether the library `name` would do: opens it, finds every function haze
/// forwards and closes it again (haze's own libcurl is not touched); 1 if it
/// would, 0 with the reason otherwise. Not while haze_libcurl_load runs.
int haze_libcurl_probe(const char *name, char *reason, size_t capacity);

#endif
