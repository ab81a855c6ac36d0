/* ck_cell_labels: every data cell of a table names its column, so that on a
 * phone, where static/app.css stacks a table's rows into blocks and hides its
 * head, each value still shows what it is ("Due", "Status").
 *
 * Done once, on each rendered page (ck_web_render), rather than in every
 * template: a page or partial that writes a GOV.UK table gets the labels
 * without doing anything. For each <table> whose class has "govuk-table":
 *   - the text of each header cell of its <thead> (tags dropped, white space
 *     collapsed, text inside a govuk-visually-hidden element left out, since
 *     it is not meant to be seen) is its column's label; a header spanning
 *     columns labels each of them;
 *   - each <td> after the head gets data-label="LABEL" for the column it
 *     starts in (cells are counted in document order, colspan followed,
 *     rowspan not), unless it spans columns ("Nothing recorded.") or already
 *     has a data-label, or its column's label is empty;
 *   - tables nested in a cell are labelled by their own head (to a depth of
 *     CK_CELL_LABELS_DEPTH; deeper ones are left alone).
 * Row headers (<th scope="row">) get no label: on a phone they head the row.
 * The input is the templater's output, where text and attribute values are
 * escaped, so every '<' starts a tag or a comment; a label is copied as the
 * page wrote it (entities kept) with any '"' written as &quot;. */
#ifndef CK_CELL_LABELS_H
#define CK_CELL_LABELS_H
#include "ck_buf.h"
#include <stdbool.h>
#include <stddef.h>

#define CK_CELL_LABELS_DEPTH 8 /* nested tables labelled */
#define CK_CELL_LABELS_COLS 64 /* columns of one table labelled; those past it are not */

/* Appends html[0..n) to out with the labels added. False when html has no
 * GOV.UK table (nothing appended: there is nothing to add) or out refused an
 * append (its cap: out is cut back to its length before the call, its
 * overflowed flag set); the caller then keeps html as it is. */
bool ck_cell_labels(const char *html, size_t n, ck_buf *out);

#endif
