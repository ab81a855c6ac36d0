/* ck_json_arena: jansson's allocations for one parse from a per-thread bump
 * arena instead of malloc.
 *
 * Parsing a case bundle makes a jansson tree of thousands of small objects,
 * strings and hash tables, converts it and frees it whole: at London's
 * import that was a fifth of the parsing threads' CPU in malloc and free.
 * Inside ck_json_arena_begin/end on a thread, jansson allocates from that
 * thread's arena; end makes its memory reusable by the next parse, so
 * nothing allocated in between may outlive end (ck_bundle_parse frees its
 * tree before). Outside them, and on threads that never began one, jansson
 * uses malloc and free as before. A thread's arena is freed when the thread
 * exits. */
#ifndef CK_JSON_ARENA_H
#define CK_JSON_ARENA_H

/* Points jansson's allocator at this module, once per process, before the
 * threads that parse start (json_set_alloc_funcs is not thread-safe). Safe
 * with jansson values allocated before: free tells arena memory from
 * malloc's by address. Until it is called, begin and end do nothing. */
void ck_json_arena_install(void);

/* Between these, on the calling thread, jansson allocates from the arena. */
void ck_json_arena_begin(void);
void ck_json_arena_end(void);

/* Frees what jansson returned to be freed (json_dumps' text) with the
 * allocator it came from: free() is wrong for arena memory. */
void ck_json_free(void *p);

#endif
