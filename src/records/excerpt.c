/* The excerpt of a rejected line, as /rejects stores it: no id, whatever the line's shape. */
#include "records/ingest.h"

#include <string.h>

/* "YYYY-MM-DD" or "YYYY-MM-DD hh:mm[:ss]" (or with a T): how every table writes its times, the
 * digits an operator needs to see in a rejected line, and never a phone number. */
static int timestamp_shaped(const char *s, size_t n)
{
    static const char date[] = "DDDD-DD-DD", time[] = "?DD:DD:DD";
    if (n != 10 && n != 16 && n != 19) return 0;
    for (size_t k = 0; k < n; k++) {
        const char want = k < 10 ? date[k] : time[k - 10];
        const int digit = s[k] >= '0' && s[k] <= '9';
        if (want == 'D' ? !digit : want == '?' ? s[k] != ' ' && s[k] != 'T' : s[k] != want)
            return 0;
    }
    return 1;
}

/* End of the field starting at s[from] (a comma outside quotes, or len): the whole line's fields,
 * so a quoted id with commas in it is one field. */
static size_t field_end(const char *line, size_t from, size_t len)
{
    int quoted = 0;
    size_t k = from;
    for (; k < len && (quoted || line[k] != ','); k++)
        if (line[k] == '"') quoted = !quoted;
    return k;
}

uint32_t tr_id_fields(const struct tr_schema *s, const struct tr_header_map *m)
{
    uint32_t fields = 0;
    for (int k = 0; k < s->n_cols + s->n_optional; k++) {
        const char *name = k < s->n_cols ? s->cols[k] : s->optional[k - s->n_cols];
        const size_t n = strlen(name);
        const int is_id = n > 3 && strcmp(name + n - 3, "_id") == 0 &&
                          strcmp(name, "antenna_id") != 0 && strcmp(name, "tower_id") != 0;
        if (is_id && m->col[k] >= 0 && m->col[k] < 32) fields |= 1u << m->col[k];
    }
    return fields;
}

void tr_mask_excerpt(const char *line, size_t len, uint32_t id_fields, char out[TR_EXCERPT_MAX])
{
    size_t n = len < TR_EXCERPT_MAX - 1 ? len : TR_EXCERPT_MAX - 1;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)line[k];
        out[k] =
            (c < 32 || c >= 127) ? '?' : (char)c; /* ASCII only: valid UTF-8 whatever the cut */
    }
    out[n] = 0;
    /* The header's id fields lose their digits (an agent's AG03430 too); so does any other
     * field with 6 digits or more, however they are spaced, quoted or mixed with letters
     * (+255 738 324 210, "255,738,324,210", T328eb401d94: a phone number in a shifted line),
     * unless it is a timestamp. Fields are taken from the whole line, so one the excerpt's end
     * cuts is judged by all its digits. */
    for (size_t from = 0, field = 0; from < n; field++) {
        const size_t end = field_end(line, from, len);
        size_t digits = 0;
        for (size_t k = from; k < end; k++)
            digits += line[k] >= '0' && line[k] <= '9';
        const int id = field < 32 && (id_fields >> field & 1);
        if (id || (digits >= 6 && !timestamp_shaped(line + from, end - from)))
            for (size_t k = from; k < end && k < n; k++)
                if (line[k] >= '0' && line[k] <= '9') out[k] = '#';
        from = end + 1;
    }
}
