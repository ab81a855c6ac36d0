/* ck_gen_names: plausible and obviously synthetic personal details.
 *
 * Names come from fixed lists of common British names; addresses from a fixed
 * list of invented streets and always carry the word "Synthetic" (postcodes
 * are in real London districts with invented units); telephone numbers are in
 * Ofcom's ranges reserved for drama (020 7946 0000 to 0999, 07700 900000 to
 * 900999); e-mail addresses are at example.org or example.com (RFC 2606).
 * Nothing here can reach a real person. Strings returned without an arena
 * are static. */
#ifndef CK_GEN_NAMES_H
#define CK_GEN_NAMES_H
#include "ck_mem.h"
#include "ck_rng.h"

/* gender 'F' draws from the women's list, anything else from the men's. */
const char *ck_gen_forename(ck_rng *r, char gender);
const char *ck_gen_surname(ck_rng *r);
/* "27 Juniper Row, Synthetic Estate, AREA" (area: a PDU name). */
char *ck_gen_address(ck_arena *a, ck_rng *r, const char *area);
/* An invented street name, "Juniper Row". */
const char *ck_gen_street(ck_rng *r);
/* A real London postcode district with an invented unit, "E8 2AB". */
char *ck_gen_postcode(ck_arena *a, ck_rng *r);
/* "07700 900xxx": a mobile number from Ofcom's drama range. */
char *ck_gen_mobile(ck_arena *a, ck_rng *r);
/* "020 7946 0xxx". */
char *ck_gen_phone(ck_arena *a, ck_rng *r);
/* "forename.surnameNN@example.org", lower case, letters only. */
char *ck_gen_email(ck_arena *a, ck_rng *r, const char *forename, const char *surname);
/* The same at `domain` (one of RFC 2606's example domains). */
char *ck_gen_email_at(ck_arena *a, ck_rng *r, const char *forename, const char *surname, const char *domain);
/* One line a victim liaison officer might note about contact preferences. */
const char *ck_gen_victim_note(ck_rng *r);

#endif
