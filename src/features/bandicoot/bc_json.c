/* bandicoot's flattened JSON for one user. Numbers are printed in their shortest form that reads
 * back to the same double, so a comparison sees exactly what was computed. */
#include "features/bandicoot/bc_internal.h"

#include <math.h>
#include <stdlib.h>

static void write_number(FILE *out, double v)
{
    if (!isfinite(v)) { /* JSON has no NaN or infinity: bandicoot's None */
        fputs("null", out);
        return;
    }
    char buf[32];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) break;
    }
    fputs(buf, out);
}

static void write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void tr_bc_write_json(FILE *out, const char *name, const struct tr_bc_options *o, int has_recharges,
                      const double *values)
{
    const char *const *keys;
    size_t n = tr_bc_keys(o, &keys);
    if (!has_recharges) n = tr_bc_recharge_keys_start(o);
    fputs("{\n    \"name\": ", out);
    if (name)
        write_string(out, name);
    else
        fputs("null", out);
    for (size_t k = 0; k < n; k++) {
        fprintf(out, ",\n    \"%s\": ", keys[k]);
        write_number(out, values[k]);
    }
    fputs("\n}\n", out);
}
