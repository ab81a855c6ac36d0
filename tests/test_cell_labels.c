/* ck_cell_labels: each data cell of a GOV.UK table gets data-label naming its
 * column, as a phone shows it (static/app.css); everything else is copied as
 * it was. */
#include "ck_test.h"
#include "ck_cell_labels.h"
#include "ck_mem.h"

#define HEAD(cols) "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr>" cols "</tr></thead>"

static void expect(const char *in, const char *want)
{
    ck_buf out = CK_BUF_INIT;
    ck_buf_puts(&out, "kept:");
    assert_true(ck_cell_labels(in, strlen(in), &out));
    assert_string_equal(ck_buf_cstr(&out), want);
    ck_buf_free(&out);
}

static void test_each_cell_names_its_column(void **state)
{
    (void)state;
    expect(HEAD("<th scope=\"col\">Due</th><th>Status</th>")
           "<tbody><tr><td class=\"govuk-table__cell\">4 May</td><td>Overdue</td></tr>"
           "<tr><td>5 May</td><td>Due</td></tr></tbody></table>",
           "kept:" HEAD("<th scope=\"col\">Due</th><th>Status</th>")
           "<tbody><tr><td class=\"govuk-table__cell\" data-label=\"Due\">4 May</td><td data-label=\"Status\">Overdue</td></tr>"
           "<tr><td data-label=\"Due\">5 May</td><td data-label=\"Status\">Due</td></tr></tbody></table>");
}

/* A row header takes its column but no label; a cell spanning columns has
 * none and moves the next cell on by its span; a cell past the head's
 * columns has none. */
static void test_row_headers_and_spans(void **state)
{
    (void)state;
    expect(HEAD("<th>Team</th><th>Cases</th><th>Overdue</th>")
           "<tbody><tr><th scope=\"row\">North</th><td>4</td><td>1</td><td>extra</td></tr>"
           "<tr><td colspan=\"2\">Total</td><td>9</td></tr>"
           "<tr><td colspan=\"3\">Nothing recorded.</td></tr></tbody></table>",
           "kept:" HEAD("<th>Team</th><th>Cases</th><th>Overdue</th>")
           "<tbody><tr><th scope=\"row\">North</th><td data-label=\"Cases\">4</td><td data-label=\"Overdue\">1</td><td>extra</td></tr>"
           "<tr><td colspan=\"2\">Total</td><td data-label=\"Overdue\">9</td></tr>"
           "<tr><td colspan=\"3\">Nothing recorded.</td></tr></tbody></table>");
}

/* A header's visible text: tags dropped, white space collapsed, visually
 * hidden text left out (a column with only that gets no label), quotes
 * escaped, entities kept; a header spanning two columns labels both. */
static void test_header_text(void **state)
{
    (void)state;
    expect(HEAD("<th>\n  <a class=\"govuk-link\" href=\"/x?a=1&amp;b=2\">Next\n appointment</a> </th>"
                "<th><span class=\"govuk-visually-hidden\">Action <b>now</b></span></th>"
                "<th>Say &quot;hi&quot; &amp; \"bye\"<br>now</th><th colspan=\"2\">Rate</th>")
           "<tr><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td></tr></table>",
           "kept:" HEAD("<th>\n  <a class=\"govuk-link\" href=\"/x?a=1&amp;b=2\">Next\n appointment</a> </th>"
                        "<th><span class=\"govuk-visually-hidden\">Action <b>now</b></span></th>"
                        "<th>Say &quot;hi&quot; &amp; \"bye\"<br>now</th><th colspan=\"2\">Rate</th>")
           "<tr><td data-label=\"Next appointment\">1</td><td>2</td>"
           "<td data-label=\"Say &quot;hi&quot; &amp; &quot;bye&quot; now\">3</td>"
           "<td data-label=\"Rate\">4</td><td data-label=\"Rate\">5</td></tr></table>");
}

/* Only GOV.UK tables; a table in a cell by its own head, the outer one
 * carrying on after it; a cell's own data-label kept; a '<' inside a script
 * or a comment is no tag. */
static void test_which_tables(void **state)
{
    (void)state;
    expect("<table class=\"other\"><thead><tr><th>A</th></tr></thead><tr><td>1</td></tr></table>"
           "<!-- <td> --><script>if (a<b) x('<td>')</script>"
           HEAD("<th>Outer</th><th>Second</th>")
           "<tr><td>" HEAD("<th>Inner</th>") "<tr><td>i</td></tr></table></td><td data-label=\"Own\">2</td></tr>"
           "<tr><td>3</td><td>4</td></tr></table>",
           "kept:<table class=\"other\"><thead><tr><th>A</th></tr></thead><tr><td>1</td></tr></table>"
           "<!-- <td> --><script>if (a<b) x('<td>')</script>"
           HEAD("<th>Outer</th><th>Second</th>")
           "<tr><td data-label=\"Outer\">" HEAD("<th>Inner</th>")
           "<tr><td data-label=\"Inner\">i</td></tr></table></td><td data-label=\"Own\">2</td></tr>"
           "<tr><td data-label=\"Outer\">3</td><td data-label=\"Second\">4</td></tr></table>");
}

/* No GOV.UK table: nothing to add, nothing appended. Cut input (a tag or a
 * comment without its end) is copied as it is. A buffer whose cap refuses
 * the labelled page is cut back to what it held. */
static void test_nothing_to_add_and_refusals(void **state)
{
    (void)state;
    ck_buf out = CK_BUF_INIT;
    const char *plain = "<p>No table here</p>";
    assert_false(ck_cell_labels(plain, strlen(plain), &out));
    assert_int_equal(out.len, 0);
    expect(HEAD("<th>A</th>") "<tr><td>1</td><td class=\"x", "kept:" HEAD("<th>A</th>") "<tr><td data-label=\"A\">1</td><td class=\"x");
    expect(HEAD("<th>A") "<!-- <td>", "kept:" HEAD("<th>A") "<!-- <td>");
    const char *page = HEAD("<th>Due</th>") "<tr><td>4 May</td></tr></table>";
    ck_buf small;
    ck_buf_init(&small, strlen(page) + 8);
    ck_buf_puts(&small, "before");
    assert_false(ck_cell_labels(page, strlen(page), &small));
    assert_string_equal(ck_buf_cstr(&small), "before");
    ck_buf_free(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_cell_names_its_column), cmocka_unit_test(test_row_headers_and_spans),
        cmocka_unit_test(test_header_text),                cmocka_unit_test(test_which_tables),
        cmocka_unit_test(test_nothing_to_add_and_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
