#include "ck_gen_names.h"
#include <ctype.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const men[] = {
    "Aaron", "Adam", "Aiden", "Alan", "Ali", "Andrew", "Anthony", "Ashley", "Ben", "Bradley",
    "Callum", "Carl", "Charlie", "Chris", "Connor", "Craig", "Daniel", "Darren", "David", "Dean",
    "Declan", "Dominic", "Dylan", "Ethan", "Gary", "George", "Harry", "Hassan", "Ian", "Imran",
    "Jack", "Jake", "James", "Jamie", "Jason", "Jermaine", "Joe", "John", "Jordan", "Joshua",
    "Karl", "Kyle", "Lee", "Leon", "Lewis", "Liam", "Luke", "Marcus", "Mark", "Martin",
    "Matthew", "Michael", "Mohammed", "Nathan", "Neil", "Nicholas", "Oliver", "Omar", "Patrick", "Paul",
    "Peter", "Reece", "Richard", "Robert", "Ryan", "Sam", "Scott", "Sean", "Shane", "Simon",
    "Stephen", "Steven", "Stuart", "Terry", "Thomas", "Tom", "Tony", "Tyrone", "Wayne", "William"};
static const char *const women[] = {
    "Aisha", "Amanda", "Amy", "Angela", "Chantelle", "Charlotte", "Chloe", "Claire", "Danielle", "Donna",
    "Emma", "Fatima", "Gemma", "Hannah", "Jade", "Jasmine", "Jennifer", "Jessica", "Joanne", "Kayleigh",
    "Kelly", "Kerry", "Laura", "Leanne", "Lisa", "Louise", "Lucy", "Megan", "Michelle", "Natalie",
    "Nicola", "Rachel", "Rebecca", "Sarah", "Shannon", "Sophie", "Stacey", "Tanya", "Tracey", "Zoe"};
static const char *const surnames[] = {
    "Abbott", "Adeyemi", "Ahmed", "Ali", "Allen", "Anderson", "Appiah", "Bailey", "Baker", "Barnes",
    "Bell", "Bennett", "Brown", "Butler", "Campbell", "Carter", "Chapman", "Clarke", "Collins", "Cooper",
    "Cox", "Davies", "Dawson", "Edwards", "Evans", "Fisher", "Fletcher", "Foster", "Francis", "Gordon",
    "Graham", "Grant", "Green", "Hall", "Harris", "Hassan", "Hill", "Hughes", "Hussain", "Jackson",
    "James", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King", "Kowalski", "Lee", "Lewis",
    "Martin", "Mensah", "Mitchell", "Moore", "Morgan", "Morris", "Murphy", "Murray", "Nowak", "O'Brien",
    "O'Connor", "Okafor", "Owen", "Palmer", "Parker", "Patel", "Phillips", "Price", "Quinn", "Reid",
    "Richards", "Roberts", "Robinson", "Rogers", "Russell", "Scott", "Shaw", "Singh", "Smith", "Stewart",
    "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson", "White", "Williams", "Wilson",
    "Wood", "Wright", "Young"};
/* Invented street names: none is meant to match a real street. */
static const char *const streets[] = {
    "Juniper Row", "Larkspur Close", "Quillon Street", "Tamsin Road", "Wrenfield Avenue",
    "Brackenhurst Way", "Cobbleford Lane", "Daffodil Mews", "Elmsworth Gardens", "Fennick Terrace",
    "Glimmer Court", "Hollowmere Road", "Ivystone Walk", "Kestrelby Place", "Lanternhill Drive",
    "Marrowgate Street", "Nettlecombe Rise", "Orchardene Crescent", "Pebblebrook Grove", "Quaymoor Road",
    "Rosethorn Parade", "Saltings Lane", "Thistledown Way", "Umberwood Close", "Velvetleaf Road",
    "Willowbank Approach", "Yarrowfield Street", "Zephyr Gardens"};
static const char *const notes[] = {
    "Prefers contact by phone after 6pm",
    "Letters only, please do not telephone",
    "Wishes to know the month of release only",
    "Represented by her mother; contact the mother first",
    "Needs an interpreter (Polish)",
    "Anxious about exclusion zone; discuss at each contact",
    "Asked for annual contact letter only",
    "Works nights: call between 11am and 2pm",
    "Moved recently: confirm address before writing",
    "Wants to make representations on licence conditions"};

const char *ck_gen_forename(ck_rng *r, char gender)
{
    if (gender == 'F') return women[ck_rng_below(r, COUNT(women))];
    return men[ck_rng_below(r, COUNT(men))];
}

const char *ck_gen_surname(ck_rng *r) { return surnames[ck_rng_below(r, COUNT(surnames))]; }

char *ck_gen_address(ck_arena *a, ck_rng *r, const char *area)
{
    return ck_arena_printf(a, "%d %s, Synthetic Estate, %s", ck_rng_range(r, 1, 180),
                           streets[ck_rng_below(r, COUNT(streets))], area);
}

const char *ck_gen_street(ck_rng *r) { return streets[ck_rng_below(r, COUNT(streets))]; }

/* Postcode districts of London (real), drawn for the outward code. */
static const char *const districts[] = {
    "E1", "E2", "E3", "E5", "E8", "E9", "E10", "E13", "E15", "E17", "N1", "N4", "N7", "N15", "N16", "N17", "N19",
    "NW1", "NW5", "NW6", "NW10", "SE1", "SE5", "SE8", "SE13", "SE15", "SE18", "SW2", "SW8", "SW9", "SW11", "SW16",
    "W2", "W3", "W10", "W12", "CR0", "HA0", "IG1", "UB1"};

char *ck_gen_postcode(ck_arena *a, ck_rng *r)
{
    /* The inward code's letters never include C, I, K, M, O or V. */
    static const char unit[] = "ABDEFGHJLNPQRSTUWXYZ";
    return ck_arena_printf(a, "%s %d%c%c", districts[ck_rng_below(r, COUNT(districts))], ck_rng_range(r, 1, 9),
                           unit[ck_rng_below(r, sizeof unit - 1)], unit[ck_rng_below(r, sizeof unit - 1)]);
}

char *ck_gen_mobile(ck_arena *a, ck_rng *r) { return ck_arena_printf(a, "07700 900%03d", (int)ck_rng_below(r, 1000)); }

char *ck_gen_phone(ck_arena *a, ck_rng *r)
{
    return ck_arena_printf(a, "020 7946 0%03d", (int)ck_rng_below(r, 1000));
}

/* Lower-case letters of s into out (apostrophes and spaces dropped). */
static void letters(const char *s, char *out, size_t len)
{
    size_t n = 0;
    for (; *s && n + 1 < len; s++)
        if (isalpha((unsigned char)*s)) out[n++] = (char)tolower((unsigned char)*s);
    out[n] = '\0';
}

char *ck_gen_email_at(ck_arena *a, ck_rng *r, const char *forename, const char *surname, const char *domain)
{
    char f[32], s[32];
    letters(forename, f, sizeof f);
    letters(surname, s, sizeof s);
    return ck_arena_printf(a, "%s.%s%d@%s", f, s, ck_rng_range(r, 1, 99), domain);
}

char *ck_gen_email(ck_arena *a, ck_rng *r, const char *forename, const char *surname)
{
    return ck_gen_email_at(a, r, forename, surname, "example.org");
}

const char *ck_gen_victim_note(ck_rng *r) { return notes[ck_rng_below(r, COUNT(notes))]; }
