// libedit's readline-compatible API (BSD licence). The explicit editline/ path keeps
// GNU readline's headers, if installed, out of the way.
#include <stdio.h>
#include <stdlib.h>
#include <editline/readline.h>

// Swift 6 rejects touching C globals directly (shared mutable state), so the REPL sets
// and reads libedit's globals through these functions. All are called from the one
// thread that runs the line editor.

/// Names the application (for ~/.editrc), installs the completion generator, and sets
/// the characters that end a word for completion. Completed words get no trailing
/// character appended, so `rate` can be followed directly by `(`.
static inline void tidemark_rl_setup(const char *app_name, rl_compentry_func_t *generator,
                                     const char *word_breaks) {
    rl_readline_name = app_name;
    rl_completion_entry_function = generator;
    rl_completion_append_character = '\0';
    rl_basic_word_break_characters = word_breaks;
    rl_completer_word_break_characters = (char *)word_breaks;
}

/// The line being edited (valid inside a completion callback).
static inline const char *tidemark_rl_line_buffer(void) { return rl_line_buffer; }

/// The cursor's byte offset into `tidemark_rl_line_buffer()`.
static inline int tidemark_rl_point(void) { return rl_point; }

/// The character libedit types after a sole completion ('\0': none).
static inline void tidemark_rl_set_append_character(int c) { rl_completion_append_character = c; }
