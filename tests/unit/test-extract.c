/* test-extract.c - the rules that turn tagged mentions into canonical
 * people, places, organisations and dates (indexer/extract/extract.c),
 * with the shipped model, gazetteers and alias tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "extract.h"
#include "normalise.h"
#include "unit.h"

static na_extractor_t *x;
static na_extraction_t ex;

static const na_date_t pub_2025_06_16 = { 2025, 6, 16, -1, -1, -1 }; /* a Monday */

static void run(const char *text, const na_date_t *pub)
{
    na_extract_input_t in = { text, strlen(text), pub, NULL, false, NULL };
    na_error_t err;
    if (na_extract(x, &in, &ex, &err) != NA_OK)
        printf("# na_extract: %s\n", err.message);
}

static bool has(const na_strlist_t *list, const char *value)
{
    return na_strlist_contains(list, value);
}

static void show(const char *what, const na_strlist_t *list)
{
    printf("#   %s:", what);
    for (size_t i = 0; i < list->count; i++)
        printf(" [%s]", list->items[i]);
    printf("\n");
}

#define CHECK_HAS(list, value, what) do {                                      \
        bool ok_ = has(&ex.list, (value));                                     \
        CHECK(ok_, what);                                                      \
        if (!ok_)                                                              \
            show(#list, &ex.list);                                             \
    } while (0)

#define CHECK_NOT(list, value, what) do {                                      \
        bool ok_ = !has(&ex.list, (value));                                    \
        CHECK(ok_, what);                                                      \
        if (!ok_)                                                              \
            show(#list, &ex.list);                                             \
    } while (0)

static void test_people(void)
{
    run("US Treasury Secretary Scott Bessent said on Monday that talks would go on.\n", &pub_2025_06_16);
    CHECK_HAS(people, "Scott Bessent", "titles: Treasury Secretary Scott Bessent -> Scott Bessent");
    CHECK_NOT(people, "Treasury Secretary Scott Bessent", "... the title is not part of the name");

    run("Donald Trump met the press on Friday.\n"
        "Mr Trump said the deal was close. Trump's aides agreed.\n",
        &pub_2025_06_16);
    CHECK_HAS(people, "Donald Trump", "coreference: full name");
    CHECK_NOT(people, "Trump", "coreference: Mr Trump and Trump's are Donald Trump");
    CHECK_INT(ex.people.count, 1, "... one person");
    size_t trump_spans = 0;
    for (size_t i = 0; i < ex.span_count; i++)
        trump_spans += ex.spans[i].type == NA_ENTITY_PERSON && strcmp(ex.spans[i].value, "Donald Trump") == 0;
    CHECK_INT(trump_spans, 3, "... every mention is a span with the full name");

    run("Officials said Smith would resign. Smith declined to comment.\n", &pub_2025_06_16);
    CHECK_HAS(people, "Smith", "a surname with no full name, named twice, is kept as it is");

    run("Dr. Jane Goodall spoke in London.\n", &pub_2025_06_16);
    CHECK_HAS(people, "Jane Goodall", "honorific Dr. dropped");

    run("Sao Paulo governor Tarcísio de Freitas met Samsung chairman Lee Jae-yong in Seoul on Tuesday.\n",
        &pub_2025_06_16);
    CHECK_HAS(people, "Tarcísio de Freitas", "particles and non-ASCII letters");
    CHECK_HAS(people, "Lee Jae-yong", "hyphenated given names");

    run("Shares of Nvidia Corp rose sharply on Monday, traders said.\n Reuter\n\x03", &pub_2025_06_16);
    CHECK_INT(ex.people.count, 0, "a wire story's sign-off is not a person");
    CHECK_NOT(orgs, "Reuter", "... nor an organisation");

    run("BAKER SAYS U.S. WILL ACT\n\nTreasury Secretary James Baker said on Tuesday the U.S. would act.\n",
        &pub_2025_06_16);
    CHECK_HAS(people, "James Baker", "a headline surname in capitals is the full name below");
    CHECK_NOT(people, "BAKER", "... not kept in capitals");
}

static void test_places(void)
{
    run("The U.S. and America's allies met. US officials and the United States envoy agreed.\n",
        &pub_2025_06_16);
    CHECK_HAS(places, "United States", "aliases: U.S., America, US -> United States");
    CHECK_INT(ex.places.count, 1, "... one place");

    run("Britain and the UK government spoke for the United Kingdom.\n", &pub_2025_06_16);
    CHECK_HAS(places, "United Kingdom", "aliases: Britain, UK -> United Kingdom");

    run("Chinese exporters and German carmakers said trade would grow.\n", &pub_2025_06_16);
    CHECK_HAS(places, "China", "demonyms: Chinese -> China");
    CHECK_HAS(places, "Germany", "demonyms: German -> Germany");

    run("Beijing said on Monday it would reply.\n", &pub_2025_06_16);
    CHECK_HAS(places, "Beijing", "a city stays itself");
    CHECK_HAS(places, "China", "... and counts its country");

    run("LONDON, June 9 (Reuters) - Shares fell on Monday as investors waited for news.\n", &pub_2025_06_16);
    CHECK_HAS(places, "London", "datelines: LONDON, June 9 (Reuters) -");
    CHECK_HAS(places, "United Kingdom", "... and its country");
    CHECK(ex.places.count && strcmp(ex.places.items[0], "London") == 0, "... the dateline comes first");

    run("FRANKFURT, Oct 16 - The bank kept rates on hold.\n", &pub_2025_06_16);
    CHECK_HAS(places, "Frankfurt", "datelines: FRANKFURT, Oct 16 -");

    run("Protesters gathered in Tbilisi as Georgia prepared for the vote. Georgia's president spoke.\n",
        &pub_2025_06_16);
    CHECK_HAS(places, "Georgia", "Georgia beside Tbilisi is the country");
    CHECK_NOT(places, "Georgia, United States", "... not the US state");

    run("Voters in Atlanta lined up as Georgia counted ballots. Georgia's governor spoke.\n", &pub_2025_06_16);
    CHECK_HAS(places, "Georgia, United States", "Georgia beside Atlanta is the US state");
    CHECK_NOT(places, "Georgia", "... not the country");

    run("The company, which has offices in many places including a small one in Lyon, said sales rose.\n"
        "Sales rose in the second half.\n\n"
        "Analysts in Paris welcomed the figures. Paris-based traders agreed, and Paris shares rose.\n",
        &pub_2025_06_16);
    CHECK_HAS(places, "Paris", "a place named more than once is the article's");
}

static void test_orgs(void)
{
    run("Samsung Electronics Co Ltd said profit rose, and Nvidia Corp agreed.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Samsung Electronics", "legal suffixes: Co Ltd dropped");
    CHECK_HAS(orgs, "Nvidia", "legal suffixes: Corp dropped");

    run("Shares of Apple Inc. rose after the European Commission approved the deal.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Apple", "legal suffixes: Inc. dropped");
    CHECK_HAS(orgs, "European Commission", "institutions");
}

/* Runs TEXT with DATELINE given as the source's own field, as the
 * Reuters reader gives it. */
static void run_dateline(const char *text, const char *dateline)
{
    na_extract_input_t in = { text, strlen(text), &pub_2025_06_16, NULL, false, dateline };
    na_error_t err;
    if (na_extract(x, &in, &ex, &err) != NA_OK)
        printf("# na_extract: %s\n", err.message);
}

static bool has_name(na_entity_t type, const char *name)
{
    for (size_t i = 0; i < ex.name_count; i++)
        if (ex.names[i].type == type && strcmp(ex.names[i].name, name) == 0)
            return true;
    return false;
}

static bool has_span(na_entity_t type, const char *value)
{
    for (size_t i = 0; i < ex.span_count; i++)
        if (ex.spans[i].type == type && strcmp(ex.spans[i].value, value) == 0)
            return true;
    return false;
}

/* Text that is not prose, and words that are no names. */
static void test_not_prose(void)
{
    static const char earnings[] =
        "ACME WIDGETS INC <ACWI> 4TH QTR NET\n\n"
        "DENVER, March 3 - Shr 39 cts vs 50 cts\n"
        "    Net 1,545,160 vs 2,188,933\n"
        "    Revs 25.2 mln vs 19.5 mln\n"
        "    Nine Mths\n"
        "    Shr 1.53 dlrs vs 1.21 dlrs\n"
        "    Qtly div 35 cts vs 35 cts in prior qtr\n"
        " Reuter\n";
    run(earnings, &pub_2025_06_16);
    CHECK_INT(ex.people.count, 0, "an earnings table names no people (Net, Shr, Nine Mths, Reuter)");
    CHECK_HAS(places, "Denver", "... its dateline is a place");
    CHECK_NOT(orgs, "Qtly", "... a table row is no organisation");
    CHECK_NOT(orgs, "ACWI", "... nor a ticker");

    /* A table of prices under a headline in capitals: its words are
     * spans of the tagger, but no names the article gives. */
    run("LONDON METAL INDICATIONS AT 0919 - APR 7\n\n"
        "ALL THREE MONTHS BUYER SELLERS COPPER 875 877 LEAD 298 300 ZINC 455 457 ALUMINIUM 806 808\n",
        &pub_2025_06_16);
    for (size_t i = 0; i < ex.name_count; i++) {
        CHECK(strcmp(ex.names[i].name, "Apr") != 0 && strcasecmp(ex.names[i].name, "copper") != 0 &&
                  strcasecmp(ex.names[i].name, "zinc") != 0 && strcasecmp(ex.names[i].name, "aluminium") != 0,
              "a price table's words are not among the names");
        if (!ex.names[i].salient)
            printf("#   names: [%s]\n", ex.names[i].name);
    }
    run("API SAYS DISTILLATE STOCKS OFF 4.07 MLN BBLS\n\nBlah blah blah.\n", &pub_2025_06_16);
    for (size_t i = 0; i < ex.name_count; i++)
        CHECK(strcmp(ex.names[i].name, "Api Says") != 0, "a headline verb run on to a name is not among the names");
    run("Dock workers at the port of Lagos stopped work on Monday over unpaid wages.\n\n"
        "One shipping agent said two vessels had already turned towards Accra.\n", &pub_2025_06_16);
    bool accra = false;
    for (size_t i = 0; i < ex.name_count; i++)
        accra |= strcmp(ex.names[i].name, "Accra") == 0;
    CHECK(accra, "a place named once in prose is among the names");
    run("Dock workers at the port of Lagos stopped work on Monday over unpaid wages.\n\n"
        "The union said the strike would go on until the port authority paid what it owed.\n\n"
        "Shipping agents said two vessels had turned away, one of them under a Greek captain.\n",
        &pub_2025_06_16);
    CHECK(!has_name(NA_ENTITY_PLACE, "Greece"), "a demonym in the body names no place");

    run_dateline("KOKOMO BANCORP SETS PAYOUT\n\nST. LOUIS, March 3 - Kokomo Bancorp said it would pay "
                 "a dividend.\n", "ST. LOUIS, March 3 -");
    CHECK_NOT(orgs, "St. Louis", "a dateline given as a field is no organisation");
    CHECK_NOT(orgs, "ST. LOUIS", "... in capitals either");
    CHECK(has_span(NA_ENTITY_PLACE, "St. Louis") || has(&ex.places, "St. Louis"),
          "... it is the article's place");

    run_dateline("VARIAN AND SIEMENS FORM VENTURE\n\nPALO ALTO, Calif., March 3 - Varian Associates Inc said "
                 "it formed a venture with Siemens AG.\n", "PALO ALTO, Calif., March 3 -");
    CHECK_INT(ex.people.count, 0, "a dateline city in capitals is never a person");

    /* Agency copy with a date of digits after the city: the tagger takes
     * the city of a sports story for its team. */
    run("SOCCER - LEEDS WIN\nLEEDS, England 1996-08-26\nLeeds beat Chelsea 2-1 on Monday.\n", &pub_2025_06_16);
    CHECK_HAS(places, "Leeds", "a dateline \"CITY, Region 1996-08-26\" names the article's place");
    CHECK(ex.span_count > 1 && ex.spans[1].type == NA_ENTITY_PLACE && ex.spans[1].start == 19,
          "... its city is a place, not the team");

    run("REUTER DEALING SERVICE STARTS IN CHINA\n\nThe service opened on Monday, the company said.\n",
        &pub_2025_06_16);
    CHECK_NOT(people, "Reuter", "a headline in capitals is no evidence of a person");

    run("Heavy rain fell across the north on Monday and flooded roads, officials said.\n", &pub_2025_06_16);
    CHECK_NOT(people, "Heavy", "a sentence-initial adjective is no person");
    CHECK(!has_span(NA_ENTITY_PERSON, "Heavy") && !has_span(NA_ENTITY_ORG, "Heavy"), "... nor any name");

    run("Tens of thousands of workers marched through the capital on Saturday.\n", &pub_2025_06_16);
    CHECK(!has_span(NA_ENTITY_ORG, "Tens") && !has_span(NA_ENTITY_PERSON, "Tens"),
          "a quantity word is no organisation");
    run("Thousands gathered outside parliament as the vote began.\n", &pub_2025_06_16);
    CHECK(!has_span(NA_ENTITY_ORG, "Thousands") && !has_span(NA_ENTITY_PERSON, "Thousands"),
          "... Thousands either");

    run("The country would miss its gross national product (GNP) growth target, the minister said.\n",
        &pub_2025_06_16);
    CHECK_NOT(orgs, "GNP", "a measure of the economy is no organisation");

    run("Denver said on Monday it would raise the sales tax, and Denver voters will decide in May.\n",
        &pub_2025_06_16);
    CHECK_NOT(people, "Denver", "a city of the gazetteer is no person without a title or first name");
    run("The singer John Denver recorded the song in 1971. Denver later said he wrote it in a car.\n",
        &pub_2025_06_16);
    CHECK_HAS(people, "John Denver", "... but a full name is a person");

    run("The White House said on Tuesday that the president would veto the bill.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "White House", "a seat of government that says something is an organisation");
    CHECK_NOT(places, "White House", "... not a place");
    run("Moscow rejected the plan. The Kremlin said the talks were over.\n", &pub_2025_06_16);
    CHECK(has_span(NA_ENTITY_ORG, "Kremlin"), "the Kremlin said: an organisation");

    run("Brown-Forman said the split of its Class A and Class B common shares takes effect in March.\n",
        &pub_2025_06_16);
    CHECK(!has_span(NA_ENTITY_ORG, "Class") && !has_span(NA_ENTITY_ORG, "Class A"), "a class of shares is no name");
    run("Trade between Argentina and Brazil jumped 90 pct last year, officials said.\n", &pub_2025_06_16);
    CHECK(!has_span(NA_ENTITY_ORG, "Trade") && !has_span(NA_ENTITY_PERSON, "Trade"),
          "a common word opening a sentence is no name");

    run("Santos, the largest producer in the Cooper Basin, said output rose.\n", &pub_2025_06_16);
    CHECK_NOT(people, "Cooper Basin", "a name ending in Basin is a place, not a person");

    run("Growth in Latin America slowed as exports fell, bankers said.\n", &pub_2025_06_16);
    CHECK_NOT(people, "Latin America", "a part of the world is no person");
}

/* Organisation names kept whole, one form each. */
static void test_org_names(void)
{
    run("Merrill Lynch and Co said on Monday it would buy the unit.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Merrill Lynch", "\"and Co\" is a legal suffix: Merrill Lynch");
    CHECK_NOT(orgs, "Merrill Lynch and", "... not Merrill Lynch and");

    run("The issue is rated AAA by Standard and Poor's and A-1 by another agency.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Standard and Poor's", "Standard and Poor's is one name");
    CHECK_NOT(orgs, "Standard", "... not cut apart");
    CHECK_NOT(orgs, "Poor's", "... at the and");
    run("Standard and Poor's Corp said it cut the rating of the debt.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Standard and Poor's", "... with its suffix too, opening a sentence");

    run("He said the engines will come from General Electric\nCo, a rival of the group.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "General Electric", "a name before a legal suffix is taken whole across a line break");
    CHECK_NOT(orgs, "Electric", "... not its last word");

    run("The system is built around the American\nTelephone and Telegraph Co switch.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "American Telephone and Telegraph", "... with its \"and\" inside");

    run("The shares were placed by Smith Barney, Harris Upham and Co Inc and two other banks.\n",
        &pub_2025_06_16);
    CHECK_HAS(orgs, "Smith Barney Harris Upham", "\"X, Y and Co\" is one firm");
    CHECK_NOT(people, "Smith Barney", "... never a person");
    run("Analysts at Smith Barney said the merger made sense.\n", &pub_2025_06_16);
    CHECK_NOT(people, "Smith Barney", "a company named without its suffix is no person");

    run("Chrysler Corp said car sales fell. Chrysler will cut output, Chrysler said.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Chrysler", "a company is an organisation");
    CHECK_NOT(people, "Chrysler", "... never a person");
    CHECK_NOT(places, "Chrysler", "... nor a place");

    run("Reuters Holdings Plc <RTRS.L> said it had its first subscriber in China.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Reuters Holdings", "the company before a ticker");
    CHECK(!has_span(NA_ENTITY_ORG, "RTRS.L"), "... the ticker is no name");

    run("U.K. Chancellor of the Exchequer Nigel Lawson told the meeting rates would stay.\n", &pub_2025_06_16);
    CHECK_HAS(people, "Nigel Lawson", "a title of several words is not part of the name");
    CHECK_NOT(orgs, "Exchequer Nigel Lawson", "... nor an organisation");

    run("The bill was sold at 99.8 to yield 65 basis points over comparable Treasury securities.\n",
        &pub_2025_06_16);
    CHECK_NOT(orgs, "Treasury securities", "what an organisation issues is not part of its name");
    run("Prices of Treasury bills fell in early trading, dealers said.\n", &pub_2025_06_16);
    CHECK_NOT(orgs, "Treasury", "... and an organisation named only as the issuer of bills is not the article's");

    run("The notes were priced by lead manager Kidder, Peabody and Co Inc on Tuesday.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Kidder Peabody", "\"X, Y and Co\" is one firm when the tagger saw only Y");
    CHECK_NOT(orgs, "Peabody", "... not its second name alone");

    run("The three are Cheung Kong (Holdings) Ltd and two others, the exchange said.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Cheung Kong", "a suffix after a word in brackets");
    run("Analysts at Wells Fargo said the loan was sound.\n", &pub_2025_06_16);
    CHECK_NOT(people, "Wells Fargo", "an organisation of the alias table is no person");
    run("It has a credit line from Wells Fargo and Co's leasing unit.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Wells Fargo", "\"and Co's\"");
    CHECK_NOT(people, "Wells Fargo", "... no person");
    run("Jardine Matheson Holdings Ltd said its profit rose sharply.\n", &pub_2025_06_16);
    CHECK_NOT(people, "Jardine Matheson", "an organisation word before the suffix");

    run("The loan was arranged by Banque Paribas and Credit Lyonnais, bankers said.\n", &pub_2025_06_16);
    CHECK_NOT(people, "Banque Paribas", "a bank named in French is no person");
    CHECK_NOT(people, "Credit Lyonnais", "... nor is Credit Lyonnais");

    run("The bank plans a 200 mln H.K. Dlr certificate of deposit issue, dealers said.\n", &pub_2025_06_16);
    CHECK(!has_span(NA_ENTITY_PERSON, "H.K. Dlr") && !has_span(NA_ENTITY_ORG, "H.K. Dlr"), "a currency is no name");
    run("The debentures are rated AA by two agencies and carry a coupon of seven pct.\n", &pub_2025_06_16);
    CHECK(!has_span(NA_ENTITY_ORG, "AA"), "a credit rating is no organisation");
    run("Sales under the Export Enhancement Program rose, the department said.\n", &pub_2025_06_16);
    CHECK_NOT(orgs, "Export Enhancement Program", "a programme is no organisation");

    run("The offer for Norway's Fjordvik Shipping Ltd was raised on Friday.\n", &pub_2025_06_16);
    CHECK_HAS(orgs, "Fjordvik Shipping", "a place's possessive opens no company's name");
    CHECK_NOT(orgs, "Norway's Fjordvik Shipping", "... the company is what follows it");
    CHECK(has_span(NA_ENTITY_PLACE, "Norway"), "... and the place is named");

    run("Nexa, the alliance, said so.\n", &pub_2025_06_16);
    CHECK(!has_span(NA_ENTITY_ORG, "Nexa,") && !has_span(NA_ENTITY_PERSON, "Nexa,") &&
              !has_span(NA_ENTITY_PLACE, "Nexa,"),
          "a name does not end on the comma after it");

    run("Meridian said it received approval from the Food and Drug Administration to sell the test.\n",
        &pub_2025_06_16);
    CHECK_HAS(orgs, "Food and Drug Administration", "a name ending in an organisation word is taken whole");
    CHECK_NOT(people, "Drug Administration", "... and is no person");

    run("Talks with the Northern Grain Growers Association (NGGA) broke down on Monday. "
        "The NGGA said farmers would block roads.\n", &pub_2025_06_16);
    CHECK(!has_name(NA_ENTITY_ORG, "NGGA") && !has_name(NA_ENTITY_PERSON, "NGGA") &&
              !has_name(NA_ENTITY_PLACE, "NGGA"),
          "an abbreviation the article defines is no second name");
    CHECK(has_name(NA_ENTITY_ORG, "Northern Grain Growers Association"), "... it names its long form");
    run("Shares of state miner Compania Minera Valdora (Comival) rose after the Comival board met.\n",
        &pub_2025_06_16);
    CHECK(has_name(NA_ENTITY_ORG, "Compania Minera Valdora") && !has_name(NA_ENTITY_PERSON, "Compania Minera Valdora"),
          "a name with an abbreviation after it is no person");
    run("Frank Miller (FM) arrived late; reporters waited for Mr Miller.\n", &pub_2025_06_16);
    CHECK(has_name(NA_ENTITY_PERSON, "Frank Miller"), "initials that are not the name's do not make an organisation");
}

static void test_dates(void)
{
    run("The central bank met on Friday and will meet again in July. Prices rose in May.\n", &pub_2025_06_16);
    CHECK_INT(ex.date_source, NA_DATE_SOURCE_SOURCE, "the source's date is used");
    CHECK_HAS(mentioned, "2025-06-13", "on Friday: the Friday before publication");
    CHECK_HAS(mentioned, "2025-05", "in May: this year's May");
    CHECK_HAS(mentioned, "2025-07", "in July, written in June: the coming July");

    static const na_date_t jan3 = { 2026, 1, 3, -1, -1, -1 };
    run("Sales fell in December, the company said.\n", &jan3);
    CHECK_HAS(mentioned, "2025-12", "in December, in an article of 3 January: the previous December");

    /* No source date: the dateline with the year of the file's time. */
    static const na_date_t file_time = { 2025, 6, 20, -1, -1, -1 };
    const char *wire = "PARIS, June 9 (Reuters) - Talks resumed on Monday.\n";
    na_extract_input_t in = { wire, strlen(wire), NULL, &file_time, false, NULL };
    na_extract(x, &in, &ex, NULL);
    CHECK_INT(ex.date_source, NA_DATE_SOURCE_DATELINE, "no source date: the dateline's");
    CHECK(ex.date.year == 2025 && ex.date.month == 6 && ex.date.day == 9, "... June 9 of the file's year");
    CHECK_HAS(mentioned, "2025-06-09", "on Monday, against the dateline's date");

    const char *plain = "Talks resumed.\n";
    na_extract_input_t in2 = { plain, strlen(plain), NULL, &file_time, false, NULL };
    na_extract(x, &in2, &ex, NULL);
    CHECK_INT(ex.date_source, NA_DATE_SOURCE_MTIME, "no source date, no dateline: the file's time");
    CHECK(ex.date.year == 2025 && ex.date.day == 20, "... is the date");

    na_extract_input_t in3 = { plain, strlen(plain), NULL, NULL, false, NULL };
    na_extract(x, &in3, &ex, NULL);
    CHECK_INT(ex.date_source, NA_DATE_SOURCE_NONE, "no date at all");
    CHECK_INT(ex.mentioned.count, 0, "... and no mentioned dates");
}

/* How a source date, a dateline and the file's time combine. */
static void test_date_sources(void)
{
    static const na_date_t file_time = { 2026, 6, 20, -1, -1, -1 };
    static const struct {
        const char *text;
        na_date_t source; /* year 0: none given */
        bool unreadable;
        const char *date; /* NULL: undated */
        na_date_source_t from;
    } cases[] = {
        { "LAGOS, March 2 - Fuel ran short.\n", { 2023, 3, 0, -1, -1, -1 }, false, "2023-03-02",
          NA_DATE_SOURCE_SOURCE_DATELINE },
        { "LAGOS, March 2 - Fuel ran short.\n", { 2023, 0, 0, -1, -1, -1 }, false, "2023-03-02",
          NA_DATE_SOURCE_SOURCE_DATELINE },
        { "LAGOS, March 2 - Fuel ran short.\n", { 2023, 3, 5, -1, -1, -1 }, false, "2023-03-05",
          NA_DATE_SOURCE_SOURCE },
        { "LAGOS, March 2 - Fuel ran short.\n", { 2023, 4, 0, -1, -1, -1 }, false, "2023-04",
          NA_DATE_SOURCE_SOURCE },
        { "LAGOS, February 29 - Fuel ran short.\n", { 2023, 2, 0, -1, -1, -1 }, false, "2023-02",
          NA_DATE_SOURCE_SOURCE },
        { "Fuel ran short.\n", { 2023, 3, 0, -1, -1, -1 }, false, "2023-03", NA_DATE_SOURCE_SOURCE },
        { "LAGOS, March 2 - Fuel ran short.\n", { 0, 0, 0, -1, -1, -1 }, false, "2026-03-02",
          NA_DATE_SOURCE_DATELINE },
        { "LAGOS, March 2 - Fuel ran short.\n", { 0, 0, 0, -1, -1, -1 }, true, NULL, NA_DATE_SOURCE_NONE },
        { "Fuel ran short.\n", { 0, 0, 0, -1, -1, -1 }, true, NULL, NA_DATE_SOURCE_NONE },
        { "Fuel ran short.\n", { 0, 0, 0, -1, -1, -1 }, false, "2026-06-20", NA_DATE_SOURCE_MTIME },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        na_extract_input_t in = { cases[i].text, strlen(cases[i].text),
                                  cases[i].source.year ? &cases[i].source : NULL, &file_time,
                                  cases[i].unreadable, NULL };
        na_extract(x, &in, &ex, NULL);
        char got[20] = "";
        if (ex.date.year)
            na_date_format_iso(&ex.date, got);
        CHECK_STR(got, cases[i].date ? cases[i].date : "", cases[i].text);
        CHECK_INT(ex.date_source, cases[i].from, "where the date came from");
        /* The date alone, which routes articles to time shards, is the same. */
        na_extract_pubdate(x, &in, &ex, NULL);
        got[0] = '\0';
        if (ex.date.year)
            na_date_format_iso(&ex.date, got);
        CHECK_STR(got, cases[i].date ? cases[i].date : "", "na_extract_pubdate: the same date");
        CHECK_INT(ex.date_source, cases[i].from, "na_extract_pubdate: the same source");
    }
    CHECK_STR(na_date_source_name(NA_DATE_SOURCE_SOURCE_DATELINE), "source+dateline", "its name");

    /* A dateline the source gave as a field counts as one opening the text. */
    static const na_date_t march = { 2023, 3, 0, -1, -1, -1 };
    const char *body = "Fuel ran short.\n";
    na_extract_input_t in = { body, strlen(body), &march, &file_time, false, "LAGOS, March 2" };
    na_extract(x, &in, &ex, NULL);
    CHECK(ex.date.year == 2023 && ex.date.month == 3 && ex.date.day == 2, "the dateline field gives the day");
    CHECK_INT(ex.date_source, NA_DATE_SOURCE_SOURCE_DATELINE, "... and says so");
    in.source_date = NULL;
    na_extract(x, &in, &ex, NULL);
    CHECK(ex.date.year == 2026 && ex.date.month == 3 && ex.date.day == 2, "no source date: the field's day, the file's year");
    CHECK_INT(ex.date_source, NA_DATE_SOURCE_DATELINE, "... from the dateline");
    na_extract_pubdate(x, &in, &ex, NULL);
    CHECK(ex.date.year == 2026 && ex.date.month == 3 && ex.date.day == 2, "na_extract_pubdate reads the field too");
    const char *topic = "SOCCER - JAPAN WIN\n";
    na_extract_input_t in4 = { topic, strlen(topic), NULL, &file_time, false, "LAGOS, March 2" };
    na_extract(x, &in4, &ex, NULL);
    na_date_t full = ex.date;
    na_extract_pubdate(x, &in4, &ex, NULL);
    CHECK(ex.date.year == full.year && ex.date.month == full.month && ex.date.day == full.day,
          "na_extract_pubdate: a headline topic is no dateline either");
}

static void test_spans(void)
{
    const char *text = "Angela Merkel visited Paris with Siemens AG executives.\n";
    run(text, &pub_2025_06_16);
    bool ok = ex.span_count >= 3;
    for (size_t i = 0; ok && i < ex.span_count; i++)
        ok = ex.spans[i].end <= strlen(text) && ex.spans[i].start < ex.spans[i].end &&
             (i == 0 || ex.spans[i - 1].start <= ex.spans[i].start);
    CHECK(ok, "spans are in order and inside the text");
    bool merkel = false;
    for (size_t i = 0; i < ex.span_count; i++)
        merkel |= ex.spans[i].start == 0 && ex.spans[i].end == 13 && ex.spans[i].type == NA_ENTITY_PERSON;
    CHECK(merkel, "the span of Angela Merkel is bytes 0..13");
}

static void test_bad_input(void)
{
    run("", &pub_2025_06_16);
    CHECK(ex.people.count + ex.places.count + ex.orgs.count + ex.span_count == 0, "empty text: nothing");
    run("there are no capital letters in this text at all, said the man from the bank.\n", &pub_2025_06_16);
    CHECK_INT(ex.people.count + ex.orgs.count, 0, "no capitals: no people or organisations");
    run("PRESIDENT REAGAN TOLD CONGRESS IN WASHINGTON THAT JAPAN MUST OPEN ITS MARKETS\n", &pub_2025_06_16);
    CHECK(ex.span_count < 20, "all-caps text finishes");
    CHECK_NOT(people, "PRESIDENT REAGAN", "... names are not kept in capitals");

    size_t n = 10u << 20;
    char *big = malloc(n + 1);
    static const char para[] = "Chancellor Olaf Scholz met Emmanuel Macron in Berlin on Monday; "
                               "\xff\xfe invalid bytes \xc3 and Siemens AG shares rose in May. ";
    for (size_t i = 0; i < n; i++)
        big[i] = para[i % (sizeof para - 1)];
    big[n] = '\0';
    /* A line of 10 MB with no line break. */
    clock_t t0 = clock();
    na_extract_input_t in = { big, n, &pub_2025_06_16, NULL, false, NULL };
    na_status_t st = na_extract(x, &in, &ex, NULL);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK_INT(st, NA_OK, "a 10 MB article of one line with invalid UTF-8 finishes");
    CHECK_HAS(people, "Olaf Scholz", "... and finds its people");
    for (size_t i = 0; i < ex.people.count; i++)
        if (!strchr(ex.people.items[i], '\xff'))
            continue;
        else
            CHECK(0, "... values are valid UTF-8");
    printf("# 10 MB article: %.2f s CPU, %.1f MB/s\n", secs, secs > 0 ? 10.0 / secs : 0.0);
    free(big);
}

int main(void)
{
    char *model = unit_srcpath("config/ner.model");
    char *gaz = unit_srcpath("config/gazetteer");
    char *cfg_path = unit_srcpath("config/newsarc.yaml");
    na_config_t cfg;
    na_error_t err;
    if (na_config_load_file(&cfg, cfg_path, &err) != NA_OK) {
        printf("# %s\n", err.message);
        return 1;
    }
    na_normaliser_t *norm = NULL;
    if (na_normaliser_load(&cfg, &norm, &err) != NA_OK) {
        printf("# %s\n", err.message);
        return 1;
    }
    na_extractor_options_t opts = { model, gaz, norm, true };
    if (na_extractor_new(&opts, &x, &err) != NA_OK) {
        printf("# %s\n", err.message);
        return 1;
    }
    na_extraction_init(&ex);

    test_people();
    test_places();
    test_orgs();
    test_not_prose();
    test_org_names();
    test_dates();
    test_date_sources();
    test_spans();
    test_bad_input();

    na_extractor_options_t missing = { "/nonexistent/ner.model", gaz, norm, true };
    na_extractor_t *none = NULL;
    CHECK(na_extractor_new(&missing, &none, &err) != NA_OK && none == NULL && strstr(err.message, "/nonexistent/ner.model"),
          "a missing model is an error naming the file");

    na_extraction_release(&ex);
    na_extractor_free(x);
    na_normaliser_free(norm);
    na_config_release(&cfg);
    free(model);
    free(gaz);
    free(cfg_path);
    return unit_done();
}
