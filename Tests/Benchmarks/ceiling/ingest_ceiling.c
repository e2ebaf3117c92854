/*
 * The C ceiling of issue 18 for `haze-bench ingest`: how fast one plain C
 * program on one core reads the same CNEMC wide files and keeps the same
 * values — the six pollutant rows (PM2.5, PM10, SO2, NO2, CO, O3; CO in
 * tenths of mg/m3, the rest whole ug/m3, decimals rounded half to even like
 * haze) — into an hour x column grid of uint16 (value + 1, 0 = missing), with
 * no validation beyond digits, no quarantine, no checksums and no durability.
 * It prints the values kept and their sum (to compare with haze's store) and
 * the best wall time of --repeat runs, read + parse + grid.
 *
 *   cc -O2 -o ingest_ceiling ingest_ceiling.c
 *   ./ingest_ceiling [--repeat N] FILE...
 *
 * Plain files only (the national files are not compressed).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { MAX_COLUMNS = 4096, HOURS = 24, POLLUTANTS = 6 };

static const char *names[POLLUTANTS] = {"PM2.5", "PM10", "SO2", "NO2", "CO", "O3"};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *length) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { perror(path); exit(1); }
    struct stat st;
    fstat(fd, &st);
    char *buffer = malloc(st.st_size + 1);
    size_t done = 0;
    while (done < (size_t)st.st_size) {
        ssize_t n = read(fd, buffer + done, st.st_size - done);
        if (n <= 0) break;
        done += n;
    }
    close(fd);
    buffer[done] = '\n';
    *length = done;
    return buffer;
}

/* One cell: whole units, or tenths for CO; half to even on the dropped digits. */
static int cell(const char *p, const char *end, int tenths) {
    int whole = 0, kept = 0, dropped = -1, rest = 0, digits = 0;
    while (p < end && *p >= '0' && *p <= '9') { whole = whole * 10 + (*p++ - '0'); digits++; }
    if (p < end && *p == '.') {
        p++;
        int index = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            int d = *p++ - '0';
            int drop = tenths ? index - 1 : index;
            if (drop < 0) kept = d; else if (drop == 0) dropped = d; else if (d) rest = 1;
            index++;
        }
    }
    if (!digits) return -1;
    int value = tenths ? whole * 10 + kept : whole;
    if (dropped > 5 || (dropped == 5 && (rest || (value & 1)))) value++;
    return value <= 10000 ? value : -1;
}

int main(int argc, char **argv) {
    int repeat = 1, first = 1;
    if (argc > 2 && strcmp(argv[1], "--repeat") == 0) { repeat = atoi(argv[2]); first = 3; }
    if (first >= argc) { fprintf(stderr, "usage: ingest_ceiling [--repeat N] FILE...\n"); return 64; }
    int files = argc - first;
    uint16_t *grid = calloc((size_t)files * HOURS * POLLUTANTS * MAX_COLUMNS, sizeof(uint16_t));
    double best = 1e30;
    long long values = 0, sum = 0, bytes = 0;
    for (int r = 0; r < repeat; r++) {
        double started = now();
        values = sum = bytes = 0;
        for (int f = 0; f < files; f++) {
            size_t length;
            char *text = slurp(argv[first + f], &length);
            bytes += length;
            char *end = text + length, *line = memchr(text, '\n', length);
            if (!line) { free(text); continue; }
            line++;
            while (line < end) {
                char *eol = memchr(line, '\n', end - line + 1);
                if (!eol || eol >= end) eol = end;
                /* date,hour,type, */
                char *c1 = memchr(line, ',', eol - line);
                char *c2 = c1 ? memchr(c1 + 1, ',', eol - c1 - 1) : NULL;
                char *c3 = c2 ? memchr(c2 + 1, ',', eol - c2 - 1) : NULL;
                if (!c3) { line = eol + 1; continue; }
                int p = -1;
                for (int k = 0; k < POLLUTANTS; k++) {
                    size_t n = strlen(names[k]);
                    if ((size_t)(c3 - c2 - 1) == n && memcmp(c2 + 1, names[k], n) == 0) { p = k; break; }
                }
                if (p < 0) { line = eol + 1; continue; }
                int hour = atoi(c1 + 1);
                if (hour < 0 || hour >= HOURS) { line = eol + 1; continue; }
                uint16_t *row = grid + (((size_t)f * HOURS + hour) * POLLUTANTS + p) * MAX_COLUMNS;
                char *start = c3 + 1;
                for (int column = 0; column < MAX_COLUMNS && start <= eol; column++) {
                    char *comma = memchr(start, ',', eol - start);
                    char *stop = comma ? comma : eol;
                    if (stop > start && stop[-1] == '\r') stop--;
                    if (stop > start) {
                        int v = cell(start, stop, p == 4);
                        if (v >= 0) { row[column] = (uint16_t)(v + 1); values++; sum += v; }
                    }
                    if (!comma) break;
                    start = comma + 1;
                }
                line = eol + 1;
            }
            free(text);
        }
        double seconds = now() - started;
        if (seconds < best) best = seconds;
    }
    printf("ceiling: %d files, %.1f MB, %lld values kept, sum %lld\n", files, bytes / 1e6, values, sum);
    printf("ceiling: best of %d: %.1f ms, %.1f MB/s (one core)\n", repeat, best * 1e3, bytes / best / 1e6);
    free(grid);
    return 0;
}
