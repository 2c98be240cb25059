/* replay_main.c - run a libFuzzer harness over files, without libFuzzer.
 *
 * Every fuzz/<name>_fuzz.c is linked with this driver into <name>_fuzz_replay, and CTest runs it
 * over fuzz/corpus/<name>_fuzz. That way the corpora and every crash reproducer are regression
 * tests in the plain and the ASan+UBSan builds, with gcc too, and no fuzzing time is spent in `make
 * test`.
 *
 *   <name>_fuzz_replay PATH...
 *
 * A PATH is a file or a directory; a directory contributes its files and the files of its immediate
 * subdirectories (one level, so a corpus may keep e.g. crashes/ apart), names starting with '.'
 * skipped. Inputs run in sorted order so that a failure reproduces the same way everywhere. Exit
 * status: 0 after replaying at least one input, 2 when a path is missing or unreadable or when
 * nothing was replayed (an empty or misplaced corpus must fail the test rather than pass
 * vacuously). A failing input aborts the process; its path is printed first (see on_death).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The harness's entry points. LLVMFuzzerInitialize is optional, hence weak. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
/* Present only in sanitizer builds: lets us name the input before ASan/UBSan end the process. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/* libFuzzer's default -max_len is far below this; anything bigger in a corpus is a mistake. */
#define REPLAY_INPUT_BYTES_MAX (1u << 20)
#define REPLAY_PATH_BYTES_MAX  4096

typedef struct path_list {
  char **items;
  size_t n, cap;
} path_list;

/* The input being replayed, for the crash message. Static storage so a signal handler may read it.
 */
static char current_path[REPLAY_PATH_BYTES_MAX];

static void on_death(void) {
  static const char prefix[] = "\nreplay: failing input: ";
  if (current_path[0] == '\0') return;
  /* write(), not stdio: this may run inside a signal handler. */
  ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
  ignored = write(STDERR_FILENO, current_path, strlen(current_path));
  ignored = write(STDERR_FILENO, "\n", 1);
  (void)ignored;
}

static void on_signal(int sig) {
  on_death();
  /* SA_RESETHAND restored the default action: die with the original signal. */
  raise(sig);
}

static void install_crash_reporting(void) {
  if (__sanitizer_set_death_callback != NULL) __sanitizer_set_death_callback(on_death);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  /* __builtin_trap raises SIGILL, abort() SIGABRT. SIGSEGV/SIGBUS/SIGFPE are left to ASan when it
   * is present (its report is better than ours and ends in the death callback anyway). */
  sigaction(SIGILL, &sa, NULL);
  sigaction(SIGABRT, &sa, NULL);
  if (__sanitizer_set_death_callback == NULL) {
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
  }
}

static void path_list_add(path_list *l, const char *path) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 64;
    l->items = realloc(l->items, l->cap * sizeof *l->items);
    if (l->items == NULL) {
      perror("replay: realloc");
      exit(2);
    }
  }
  l->items[l->n] = strdup(path);
  if (l->items[l->n] == NULL) {
    perror("replay: strdup");
    exit(2);
  }
  l->n++;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the regular files of dir (and, while depth > 0, of its subdirectories). Returns 0, or -1
 * after printing why. */
static int collect_dir(const char *dir, int depth, path_list *out) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
    return -1;
  }
  path_list entries = {0};
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue; /* ".", "..", and hidden files such as .gitkeep */
    char path[REPLAY_PATH_BYTES_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (n < 0 || (size_t)n >= sizeof path) {
      fprintf(stderr, "replay: %s/%s: path too long\n", dir, e->d_name);
      closedir(d);
      return -1;
    }
    path_list_add(&entries, path);
  }
  closedir(d);
  /* readdir order depends on the file system; sort so every machine replays the same sequence. */
  if (entries.n > 0) qsort(entries.items, entries.n, sizeof *entries.items, cmp_str);
  int rc = 0;
  for (size_t i = 0; i < entries.n; i++) {
    struct stat st;
    if (rc == 0 && stat(entries.items[i], &st) != 0) {
      fprintf(stderr, "replay: %s: %s\n", entries.items[i], strerror(errno));
      rc = -1;
    } else if (rc == 0 && S_ISDIR(st.st_mode)) {
      if (depth > 0) rc = collect_dir(entries.items[i], depth - 1, out);
    } else if (rc == 0 && S_ISREG(st.st_mode)) {
      path_list_add(out, entries.items[i]);
    }
    free(entries.items[i]);
  }
  free(entries.items);
  return rc;
}

/* Reads path into a malloc'd buffer of exactly its size, so that ASan flags any read past the end
 * (a larger buffer would hide off-by-one reads). Returns 1 on success, 0 when skipped, -1 on error.
 */
static int read_input(const char *path, uint8_t **data, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    fclose(f);
    return -1;
  }
  if ((uintmax_t)st.st_size > REPLAY_INPUT_BYTES_MAX) {
    fprintf(stderr, "replay: %s: skipped, %jd bytes is over the %u byte limit\n", path,
            (intmax_t)st.st_size, REPLAY_INPUT_BYTES_MAX);
    fclose(f);
    return 0;
  }
  size_t n = (size_t)st.st_size;
  /* malloc(0) may return NULL; libFuzzer never passes NULL, so neither do we. */
  uint8_t *buf = malloc(n > 0 ? n : 1);
  if (buf == NULL) {
    perror("replay: malloc");
    fclose(f);
    return -1;
  }
  if (fread(buf, 1, n, f) != n || ferror(f)) {
    fprintf(stderr, "replay: %s: short read\n", path);
    free(buf);
    fclose(f);
    return -1;
  }
  fclose(f);
  *data = buf;
  *size = n;
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  if (LLVMFuzzerInitialize != NULL) LLVMFuzzerInitialize(&argc, &argv);
  install_crash_reporting();

  path_list inputs = {0};
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      return 2;
    }
    if (S_ISDIR(st.st_mode)) {
      if (collect_dir(argv[i], 1, &inputs) != 0) return 2;
    } else {
      path_list_add(&inputs, argv[i]);
    }
  }

  size_t replayed = 0;
  for (size_t i = 0; i < inputs.n; i++) {
    uint8_t *data = NULL;
    size_t size = 0;
    int r = read_input(inputs.items[i], &data, &size);
    if (r < 0) return 2;
    if (r > 0) {
      snprintf(current_path, sizeof current_path, "%s", inputs.items[i]);
      LLVMFuzzerTestOneInput(data, size);
      current_path[0] = '\0';
      free(data);
      replayed++;
    }
    free(inputs.items[i]);
  }
  free(inputs.items);

  printf("replayed %zu inputs\n", replayed);
  if (replayed == 0) {
    fprintf(stderr, "replay: no inputs found: an empty corpus tests nothing\n");
    return 2;
  }
  return 0;
}
