/* app_demo.c - the demo database (demo.h): BCPs, users, watchlists, synthetic traffic, try set.
 *
 * Everything random comes from one splitmix64 stream seeded with opts->seed, consumed in a fixed
 * order, so a seed always gives the same people, documents and crossings. The two synthetic lists
 * (national alerts, lost/stolen documents) come from their own stream with a fixed seed, so they
 * are the same for every demo; the travellers who are their made-up people, or who carry their
 * made-up documents, are drawn from them.
 *
 * Names: each nationality has small pools of given names and surnames in Latin script and, where
 * the country writes another script, the same names in that script (Cyrillic, Greek, Arabic, Han,
 * kana). Passports of Cyrillic- and Greek-script countries get their MRZ by transliterating the
 * native form (mrz_make does Doc 9303 Part 3), the others from the Latin form. The traveller is
 * stored with the names as the MRZ reads them, as a booth would store them.
 *
 * Document numbers: letters are drawn from an alphabet without the MRZ confusables (B G I O Q S Z),
 * and each kind of number has its own shape, so that no generated number can meet another under the
 * document lane's confusable folding (screen.h wl_document_key):
 *   traveller documents   2 letters + 7 digits (a bijective counter: unique)
 *   lost/stolen documents 1 letter + 8 digits
 *   national-list documents 3 letters + 6 digits
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bmis/auth.h"
#include "bmis/demo.h"
#include "bmis/mrz.h"
#include "bmis/screen.h"
#include "bmis/store.h"
#include "bmis/watchlist.h"

#define DEMO_DAY_MS          86400000LL
#define DEMO_LIST_SEED       0x0A1E27ULL /* the synthetic lists do not depend on opts->seed */
#define DEMO_LIST_VERSION    "demo-2026.1"
#define DEMO_COPY_CHUNK      65536
#define DEMO_NAME_TEXT_BYTES 256
#define DEMO_SCENARIO_HITS   4 /* national-list persons and stolen documents seen in traffic */

/* ---- the pseudo-random stream ---- */

typedef struct demo_rng {
  uint64_t s;
} demo_rng;

static uint64_t rng_next(demo_rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static unsigned rng_below(demo_rng *r, unsigned n) {
  return n ? (unsigned)(rng_next(r) % n) : 0;
}
static int rng_pct(demo_rng *r, unsigned pct) {
  return rng_below(r, 100) < pct;
}

/* ---- names and nationalities ---- */

typedef struct demo_name {
  const char *latin;
  const char *native; /* NULL when the country writes Latin */
} demo_name;

typedef struct demo_surname {
  const char *latin, *native;
  const char *latin_f, *native_f; /* feminine forms, NULL when the same */
} demo_surname;

enum {
  NAT_VISA = 1u << 0,         /* Utopia requires a visa */
  NAT_IDCARD = 1u << 1,       /* some travel on TD1 identity cards */
  NAT_MRZ_NATIVE = 1u << 2,   /* the MRZ is the transliteration of the native script */
  NAT_SURNAME_FIRST = 1u << 3 /* native full name: surname then given name, no space */
};

typedef struct demo_nat {
  const char *code;
  unsigned weight;
  unsigned flags;
  const demo_name *male;
  size_t nmale;
  const demo_name *female;
  size_t nfemale;
  const demo_surname *surnames;
  size_t nsurnames;
} demo_nat;

#define POOL(a) a, BM_COUNTOF(a)

static const demo_name UTO_M[] = {
    {"Aron", NULL},  {"Bastian", NULL}, {"Caspar", NULL}, {"Dorian", NULL}, {"Elias", NULL},
    {"Felix", NULL}, {"Gideon", NULL},  {"Hugo", NULL},   {"Jonah", NULL},  {"Leander", NULL}};
static const demo_name UTO_F[] = {{"Alma", NULL}, {"Bella", NULL}, {"Clara", NULL}, {"Dora", NULL},
                                  {"Elin", NULL}, {"Freya", NULL}, {"Greta", NULL}, {"Ida", NULL},
                                  {"Lena", NULL}, {"Mira", NULL}};
static const demo_surname UTO_S[] = {
    {"ALDENMARK", NULL, NULL, NULL}, {"BERGHOLT", NULL, NULL, NULL},
    {"CORVINE", NULL, NULL, NULL},   {"DAHLSTRAND", NULL, NULL, NULL},
    {"ELMSTEAD", NULL, NULL, NULL},  {"FALKENRODE", NULL, NULL, NULL},
    {"GRANHOLM", NULL, NULL, NULL},  {"HOLMEVIK", NULL, NULL, NULL},
    {"ISENDAHL", NULL, NULL, NULL},  {"LINDWARD", NULL, NULL, NULL},
    {"MORROWAY", NULL, NULL, NULL},  {"NORDHAVEN", NULL, NULL, NULL},
    {"SOLBRANT", NULL, NULL, NULL},  {"THORNDALE", NULL, NULL, NULL},
    {"VALEMOOR", NULL, NULL, NULL},  {"WESTERLING", NULL, NULL, NULL}};

static const demo_name DEU_M[] = {{"Jonas", NULL},  {"Lukas", NULL},   {"Maximilian", NULL},
                                  {"Tobias", NULL}, {"Felix", NULL},   {"Stefan", NULL},
                                  {"Jürgen", NULL}, {"Matthias", NULL}};
static const demo_name DEU_F[] = {{"Anna", NULL},      {"Lea", NULL},   {"Sophie", NULL},
                                  {"Katharina", NULL}, {"Julia", NULL}, {"Sabine", NULL},
                                  {"Laura", NULL},     {"Hannah", NULL}};
static const demo_surname DEU_S[] = {
    {"MÜLLER", NULL, NULL, NULL},  {"SCHMIDT", NULL, NULL, NULL}, {"SCHNEIDER", NULL, NULL, NULL},
    {"FISCHER", NULL, NULL, NULL}, {"WEBER", NULL, NULL, NULL},   {"MEYER", NULL, NULL, NULL},
    {"WAGNER", NULL, NULL, NULL},  {"BECKER", NULL, NULL, NULL},  {"SCHULZ", NULL, NULL, NULL},
    {"HOFFMANN", NULL, NULL, NULL}};

static const demo_name FRA_M[] = {{"Louis", NULL},   {"Hugo", NULL},   {"Thomas", NULL},
                                  {"Nicolas", NULL}, {"Julien", NULL}, {"Mathieu", NULL},
                                  {"Antoine", NULL}, {"Pierre", NULL}};
static const demo_name FRA_F[] = {{"Camille", NULL}, {"Léa", NULL},   {"Chloé", NULL},
                                  {"Manon", NULL},   {"Inès", NULL},  {"Sophie", NULL},
                                  {"Claire", NULL},  {"Émilie", NULL}};
static const demo_surname FRA_S[] = {{"MARTIN", NULL, NULL, NULL}, {"BERNARD", NULL, NULL, NULL},
                                     {"DUBOIS", NULL, NULL, NULL}, {"THOMAS", NULL, NULL, NULL},
                                     {"ROBERT", NULL, NULL, NULL}, {"RICHARD", NULL, NULL, NULL},
                                     {"PETIT", NULL, NULL, NULL},  {"DURAND", NULL, NULL, NULL},
                                     {"LEROY", NULL, NULL, NULL},  {"MOREAU", NULL, NULL, NULL}};

static const demo_name GBR_M[] = {{"Oliver", NULL}, {"George", NULL}, {"Harry", NULL},
                                  {"Jack", NULL},   {"James", NULL},  {"William", NULL},
                                  {"Thomas", NULL}, {"Daniel", NULL}};
static const demo_name GBR_F[] = {{"Olivia", NULL}, {"Amelia", NULL},    {"Isla", NULL},
                                  {"Emily", NULL},  {"Charlotte", NULL}, {"Grace", NULL},
                                  {"Sophie", NULL}, {"Lucy", NULL}};
static const demo_surname GBR_S[] = {{"SMITH", NULL, NULL, NULL},    {"JONES", NULL, NULL, NULL},
                                     {"TAYLOR", NULL, NULL, NULL},   {"BROWN", NULL, NULL, NULL},
                                     {"WILLIAMS", NULL, NULL, NULL}, {"WILSON", NULL, NULL, NULL},
                                     {"JOHNSON", NULL, NULL, NULL},  {"DAVIES", NULL, NULL, NULL},
                                     {"ROBINSON", NULL, NULL, NULL}, {"WRIGHT", NULL, NULL, NULL}};

static const demo_name USA_M[] = {{"Michael", NULL}, {"Christopher", NULL}, {"Matthew", NULL},
                                  {"Joshua", NULL},  {"David", NULL},       {"Andrew", NULL},
                                  {"Ryan", NULL},    {"Tyler", NULL}};
static const demo_name USA_F[] = {{"Jessica", NULL}, {"Ashley", NULL}, {"Jennifer", NULL},
                                  {"Sarah", NULL},   {"Emily", NULL},  {"Megan", NULL},
                                  {"Hannah", NULL},  {"Madison", NULL}};
static const demo_surname USA_S[] = {
    {"JOHNSON", NULL, NULL, NULL},  {"WILLIAMS", NULL, NULL, NULL}, {"MILLER", NULL, NULL, NULL},
    {"DAVIS", NULL, NULL, NULL},    {"GARCIA", NULL, NULL, NULL},   {"RODRIGUEZ", NULL, NULL, NULL},
    {"MARTINEZ", NULL, NULL, NULL}, {"ANDERSON", NULL, NULL, NULL}, {"TAYLOR", NULL, NULL, NULL},
    {"THOMPSON", NULL, NULL, NULL}};

static const demo_name ITA_M[] = {{"Marco", NULL},     {"Luca", NULL},       {"Giuseppe", NULL},
                                  {"Francesco", NULL}, {"Alessandro", NULL}, {"Matteo", NULL},
                                  {"Lorenzo", NULL},   {"Andrea", NULL}};
static const demo_name ITA_F[] = {{"Giulia", NULL}, {"Francesca", NULL}, {"Chiara", NULL},
                                  {"Sara", NULL},   {"Martina", NULL},   {"Alessia", NULL},
                                  {"Elena", NULL},  {"Valentina", NULL}};
static const demo_surname ITA_S[] = {{"ROSSI", NULL, NULL, NULL},   {"RUSSO", NULL, NULL, NULL},
                                     {"FERRARI", NULL, NULL, NULL}, {"ESPOSITO", NULL, NULL, NULL},
                                     {"BIANCHI", NULL, NULL, NULL}, {"ROMANO", NULL, NULL, NULL},
                                     {"COLOMBO", NULL, NULL, NULL}, {"RICCI", NULL, NULL, NULL},
                                     {"MARINO", NULL, NULL, NULL},  {"GRECO", NULL, NULL, NULL}};

static const demo_name ESP_M[] = {{"Alejandro", NULL}, {"Pablo", NULL},  {"Javier", NULL},
                                  {"Sergio", NULL},    {"Daniel", NULL}, {"Adrián", NULL},
                                  {"Álvaro", NULL},    {"Diego", NULL}};
static const demo_name ESP_F[] = {{"Lucía", NULL}, {"María", NULL},  {"Paula", NULL},
                                  {"Laura", NULL}, {"Carmen", NULL}, {"Sofía", NULL},
                                  {"Elena", NULL}, {"Marta", NULL}};
static const demo_surname ESP_S[] = {
    {"GARCÍA", NULL, NULL, NULL},   {"FERNÁNDEZ", NULL, NULL, NULL},
    {"GONZÁLEZ", NULL, NULL, NULL}, {"RODRÍGUEZ", NULL, NULL, NULL},
    {"LÓPEZ", NULL, NULL, NULL},    {"MARTÍNEZ", NULL, NULL, NULL},
    {"SÁNCHEZ", NULL, NULL, NULL},  {"PÉREZ", NULL, NULL, NULL},
    {"GÓMEZ", NULL, NULL, NULL},    {"NAVARRO", NULL, NULL, NULL}};

static const demo_name POL_M[] = {{"Piotr", NULL}, {"Krzysztof", NULL}, {"Tomasz", NULL},
                                  {"Paweł", NULL}, {"Michał", NULL},    {"Łukasz", NULL},
                                  {"Jakub", NULL}, {"Marcin", NULL}};
static const demo_name POL_F[] = {{"Anna", NULL},      {"Katarzyna", NULL}, {"Magdalena", NULL},
                                  {"Agnieszka", NULL}, {"Joanna", NULL},    {"Zofia", NULL},
                                  {"Natalia", NULL},   {"Aleksandra", NULL}};
static const demo_surname POL_S[] = {{"NOWAK", NULL, NULL, NULL},
                                     {"KOWALSKI", NULL, "KOWALSKA", NULL},
                                     {"WIŚNIEWSKI", NULL, "WIŚNIEWSKA", NULL},
                                     {"WÓJCIK", NULL, NULL, NULL},
                                     {"KOWALCZYK", NULL, NULL, NULL},
                                     {"KAMIŃSKI", NULL, "KAMIŃSKA", NULL},
                                     {"LEWANDOWSKI", NULL, "LEWANDOWSKA", NULL},
                                     {"ZIELIŃSKI", NULL, "ZIELIŃSKA", NULL}};

static const demo_name NLD_M[] = {{"Daan", NULL},   {"Sem", NULL},   {"Bram", NULL},
                                  {"Lars", NULL},   {"Thijs", NULL}, {"Ruben", NULL},
                                  {"Jeroen", NULL}, {"Pieter", NULL}};
static const demo_name NLD_F[] = {{"Emma", NULL},  {"Julia", NULL}, {"Sanne", NULL},
                                  {"Lotte", NULL}, {"Fleur", NULL}, {"Anouk", NULL},
                                  {"Eva", NULL},   {"Noor", NULL}};
static const demo_surname NLD_S[] = {
    {"DE JONG", NULL, NULL, NULL},  {"JANSEN", NULL, NULL, NULL},
    {"DE VRIES", NULL, NULL, NULL}, {"VAN DEN BERG", NULL, NULL, NULL},
    {"VAN DIJK", NULL, NULL, NULL}, {"BAKKER", NULL, NULL, NULL},
    {"VISSER", NULL, NULL, NULL},   {"SMIT", NULL, NULL, NULL},
    {"MEIJER", NULL, NULL, NULL},   {"MULDER", NULL, NULL, NULL}};

static const demo_name SWE_M[] = {{"Erik", NULL},  {"Lars", NULL},   {"Karl", NULL},
                                  {"Johan", NULL}, {"Anders", NULL}, {"Nils", NULL},
                                  {"Oskar", NULL}, {"Gustav", NULL}};
static const demo_name SWE_F[] = {{"Anna", NULL},   {"Maria", NULL},  {"Karin", NULL},
                                  {"Elsa", NULL},   {"Ingrid", NULL}, {"Astrid", NULL},
                                  {"Linnea", NULL}, {"Maja", NULL}};
static const demo_surname SWE_S[] = {
    {"ANDERSSON", NULL, NULL, NULL}, {"JOHANSSON", NULL, NULL, NULL},
    {"KARLSSON", NULL, NULL, NULL},  {"NILSSON", NULL, NULL, NULL},
    {"LINDGREN", NULL, NULL, NULL},  {"LARSSON", NULL, NULL, NULL},
    {"OLSSON", NULL, NULL, NULL},    {"PERSSON", NULL, NULL, NULL},
    {"SVENSSON", NULL, NULL, NULL},  {"GUSTAFSSON", NULL, NULL, NULL}};

static const demo_name RUS_M[] = {
    {"Ivan", "Иван"},     {"Dmitry", "Дмитрий"}, {"Sergey", "Сергей"},   {"Alexey", "Алексей"},
    {"Andrey", "Андрей"}, {"Mikhail", "Михаил"}, {"Nikolay", "Николай"}, {"Pavel", "Павел"}};
static const demo_name RUS_F[] = {
    {"Olga", "Ольга"},  {"Tatiana", "Татьяна"},   {"Elena", "Елена"}, {"Natalia", "Наталья"},
    {"Irina", "Ирина"}, {"Svetlana", "Светлана"}, {"Anna", "Анна"},   {"Maria", "Мария"}};
static const demo_surname RUS_S[] = {{"IVANOV", "Иванов", "IVANOVA", "Иванова"},
                                     {"SMIRNOV", "Смирнов", "SMIRNOVA", "Смирнова"},
                                     {"KUZNETSOV", "Кузнецов", "KUZNETSOVA", "Кузнецова"},
                                     {"POPOV", "Попов", "POPOVA", "Попова"},
                                     {"VASILIEV", "Васильев", "VASILIEVA", "Васильева"},
                                     {"SOKOLOV", "Соколов", "SOKOLOVA", "Соколова"},
                                     {"NOVIKOV", "Новиков", "NOVIKOVA", "Новикова"},
                                     {"FEDOROV", "Федоров", "FEDOROVA", "Федорова"},
                                     {"MOROZOV", "Морозов", "MOROZOVA", "Морозова"}};

static const demo_name UKR_M[] = {{"Oleksandr", "Олександр"}, {"Andriy", "Андрій"},
                                  {"Mykola", "Микола"},       {"Taras", "Тарас"},
                                  {"Yuriy", "Юрій"},          {"Bohdan", "Богдан"}};
static const demo_name UKR_F[] = {{"Olena", "Олена"}, {"Oksana", "Оксана"},
                                  {"Iryna", "Ірина"}, {"Kateryna", "Катерина"},
                                  {"Yuliia", "Юлія"}, {"Halyna", "Галина"}};
static const demo_surname UKR_S[] = {
    {"SHEVCHENKO", "Шевченко", NULL, NULL},   {"KOVALENKO", "Коваленко", NULL, NULL},
    {"BONDARENKO", "Бондаренко", NULL, NULL}, {"TKACHENKO", "Ткаченко", NULL, NULL},
    {"KRAVCHUK", "Кравчук", NULL, NULL},      {"MELNYK", "Мельник", NULL, NULL},
    {"BOIKO", "Бойко", NULL, NULL},           {"MOROZ", "Мороз", NULL, NULL}};

static const demo_name GRC_M[] = {{"Georgios", "Γεώργιος"},
                                  {"Dimitrios", "Δημήτριος"},
                                  {"Konstantinos", "Κωνσταντίνος"},
                                  {"Nikolaos", "Νικόλαος"},
                                  {"Ioannis", "Ιωάννης"}};
static const demo_name GRC_F[] = {{"Maria", "Μαρία"},
                                  {"Eleni", "Ελένη"},
                                  {"Aikaterini", "Αικατερίνη"},
                                  {"Sofia", "Σοφία"},
                                  {"Anastasia", "Αναστασία"}};
static const demo_surname GRC_S[] = {
    {"PAPADOPOULOS", "Παπαδόπουλος", "PAPADOPOULOU", "Παπαδοπούλου"},
    {"GEORGIOU", "Γεωργίου", NULL, NULL},
    {"NIKOLAOU", "Νικολάου", NULL, NULL},
    {"PAPAGEORGIOU", "Παπαγεωργίου", NULL, NULL},
    {"OIKONOMOU", "Οικονόμου", NULL, NULL},
    {"KARAGIANNIS", "Καραγιάννης", "KARAGIANNI", "Καραγιάννη"},
    {"VASILEIOU", "Βασιλείου", NULL, NULL}};

static const demo_name CHN_M[] = {{"Wei", "伟"},  {"Jun", "军"},   {"Lei", "磊"}, {"Tao", "涛"},
                                  {"Ming", "明"}, {"Qiang", "强"}, {"Jie", "杰"}, {"Hao", "浩"}};
static const demo_name CHN_F[] = {{"Fang", "芳"}, {"Xiuying", "秀英"}, {"Na", "娜"},
                                  {"Min", "敏"},  {"Jing", "静"},      {"Li", "丽"},
                                  {"Yan", "艳"},  {"Hui", "慧"}};
static const demo_surname CHN_S[] = {{"WANG", "王", NULL, NULL},  {"LI", "李", NULL, NULL},
                                     {"ZHANG", "张", NULL, NULL}, {"LIU", "刘", NULL, NULL},
                                     {"CHEN", "陈", NULL, NULL},  {"YANG", "杨", NULL, NULL},
                                     {"HUANG", "黄", NULL, NULL}, {"ZHAO", "赵", NULL, NULL},
                                     {"ZHOU", "周", NULL, NULL},  {"WU", "吴", NULL, NULL}};

static const demo_name JPN_M[] = {{"Hiroshi", "博"},
                                  {"Takeshi", "武"},
                                  {"Kenji", "健二"},
                                  {"Daisuke", "大輔"},
                                  {"Shota", "翔太"}};
static const demo_name JPN_F[] = {
    {"Yuko", "裕子"}, {"Akiko", "明子"}, {"Naoko", "直子"}, {"Haruka", "遥"}, {"Yui", "結衣"}};
static const demo_surname JPN_S[] = {
    {"SATO", "佐藤", NULL, NULL},      {"SUZUKI", "鈴木", NULL, NULL},
    {"TAKAHASHI", "高橋", NULL, NULL}, {"TANAKA", "田中", NULL, NULL},
    {"WATANABE", "渡辺", NULL, NULL},  {"ITO", "伊藤", NULL, NULL},
    {"NAKAMURA", "中村", NULL, NULL},  {"KOBAYASHI", "小林", NULL, NULL}};

static const demo_name EGY_M[] = {{"Mohamed", "محمد"},  {"Ahmed", "أحمد"}, {"Mahmoud", "محمود"},
                                  {"Mostafa", "مصطفى"}, {"Omar", "عمر"},   {"Youssef", "يوسف"}};
static const demo_name EGY_F[] = {{"Fatma", "فاطمة"}, {"Mariam", "مريم"}, {"Nour", "نور"},
                                  {"Salma", "سلمى"},  {"Aya", "آية"},     {"Heba", "هبة"}};
static const demo_surname EGY_S[] = {
    {"HASSAN", "حسن", NULL, NULL},    {"IBRAHIM", "إبراهيم", NULL, NULL},
    {"MAHMOUD", "محمود", NULL, NULL}, {"SAYED", "السيد", NULL, NULL},
    {"FARAG", "فرج", NULL, NULL},     {"GAMAL", "جمال", NULL, NULL},
    {"SHERIF", "شريف", NULL, NULL},   {"ZAKI", "زكي", NULL, NULL}};

static const demo_name MAR_M[] = {{"Youssef", "يوسف"},
                                  {"Hamza", "حمزة"},
                                  {"Amine", "أمين"},
                                  {"Karim", "كريم"},
                                  {"Rachid", "رشيد"}};
static const demo_name MAR_F[] = {{"Khadija", "خديجة"},
                                  {"Imane", "إيمان"},
                                  {"Salma", "سلمى"},
                                  {"Hajar", "هاجر"},
                                  {"Zineb", "زينب"}};
static const demo_surname MAR_S[] = {
    {"EL AMRANI", "العمراني", NULL, NULL}, {"BENNANI", "بناني", NULL, NULL},
    {"ALAOUI", "العلوي", NULL, NULL},      {"TAZI", "التازي", NULL, NULL},
    {"BERRADA", "برادة", NULL, NULL},      {"CHRAIBI", "الشرايبي", NULL, NULL}};

static const demo_name TUR_M[] = {{"Mehmet", NULL}, {"Mustafa", NULL}, {"Ahmet", NULL},
                                  {"Ali", NULL},    {"Hüseyin", NULL}, {"Emre", NULL},
                                  {"Burak", NULL},  {"Murat", NULL}};
static const demo_name TUR_F[] = {{"Ayşe", NULL},   {"Fatma", NULL}, {"Emine", NULL},
                                  {"Zeynep", NULL}, {"Elif", NULL},  {"Merve", NULL},
                                  {"Esra", NULL},   {"Hatice", NULL}};
static const demo_surname TUR_S[] = {{"YILMAZ", NULL, NULL, NULL},   {"KAYA", NULL, NULL, NULL},
                                     {"DEMİR", NULL, NULL, NULL},    {"ŞAHİN", NULL, NULL, NULL},
                                     {"ÇELİK", NULL, NULL, NULL},    {"YILDIZ", NULL, NULL, NULL},
                                     {"YILDIRIM", NULL, NULL, NULL}, {"ÖZTÜRK", NULL, NULL, NULL},
                                     {"AYDIN", NULL, NULL, NULL},    {"ÖZDEMİR", NULL, NULL, NULL}};

static const demo_name IND_M[] = {{"Rahul", NULL}, {"Amit", NULL},  {"Vikram", NULL},
                                  {"Arjun", NULL}, {"Rohan", NULL}, {"Sanjay", NULL},
                                  {"Anil", NULL},  {"Rajesh", NULL}};
static const demo_name IND_F[] = {{"Priya", NULL}, {"Anjali", NULL}, {"Neha", NULL},
                                  {"Pooja", NULL}, {"Kavita", NULL}, {"Sunita", NULL},
                                  {"Divya", NULL}, {"Lakshmi", NULL}};
static const demo_surname IND_S[] = {{"SHARMA", NULL, NULL, NULL}, {"PATEL", NULL, NULL, NULL},
                                     {"SINGH", NULL, NULL, NULL},  {"KUMAR", NULL, NULL, NULL},
                                     {"GUPTA", NULL, NULL, NULL},  {"REDDY", NULL, NULL, NULL},
                                     {"IYER", NULL, NULL, NULL},   {"NAIR", NULL, NULL, NULL},
                                     {"MEHTA", NULL, NULL, NULL},  {"JOSHI", NULL, NULL, NULL}};

static const demo_name NGA_M[] = {{"Chukwuemeka", NULL}, {"Oluwaseun", NULL}, {"Emeka", NULL},
                                  {"Tunde", NULL},       {"Chinedu", NULL},   {"Ifeanyi", NULL},
                                  {"Segun", NULL},       {"Babatunde", NULL}};
static const demo_name NGA_F[] = {{"Ngozi", NULL},    {"Chiamaka", NULL}, {"Funmilayo", NULL},
                                  {"Adaeze", NULL},   {"Folake", NULL},   {"Yetunde", NULL},
                                  {"Blessing", NULL}, {"Amaka", NULL}};
static const demo_surname NGA_S[] = {{"OKAFOR", NULL, NULL, NULL},  {"ADEYEMI", NULL, NULL, NULL},
                                     {"OKONKWO", NULL, NULL, NULL}, {"BELLO", NULL, NULL, NULL},
                                     {"EZE", NULL, NULL, NULL},     {"OLADIPO", NULL, NULL, NULL},
                                     {"NWOSU", NULL, NULL, NULL},   {"OGUNDIPE", NULL, NULL, NULL},
                                     {"OKEKE", NULL, NULL, NULL},   {"ADEBAYO", NULL, NULL, NULL}};

static const demo_name BRA_M[] = {{"João", NULL},    {"Pedro", NULL},  {"Lucas", NULL},
                                  {"Gabriel", NULL}, {"Rafael", NULL}, {"Gustavo", NULL},
                                  {"Thiago", NULL},  {"Bruno", NULL}};
static const demo_name BRA_F[] = {{"Ana", NULL},      {"Beatriz", NULL}, {"Juliana", NULL},
                                  {"Fernanda", NULL}, {"Larissa", NULL}, {"Camila", NULL},
                                  {"Mariana", NULL},  {"Letícia", NULL}};
static const demo_surname BRA_S[] = {
    {"SILVA", NULL, NULL, NULL}, {"SANTOS", NULL, NULL, NULL},    {"OLIVEIRA", NULL, NULL, NULL},
    {"SOUZA", NULL, NULL, NULL}, {"RODRIGUES", NULL, NULL, NULL}, {"FERREIRA", NULL, NULL, NULL},
    {"ALVES", NULL, NULL, NULL}, {"PEREIRA", NULL, NULL, NULL},   {"LIMA", NULL, NULL, NULL},
    {"GOMES", NULL, NULL, NULL}};

#define NAT_UTO 0 /* index of Utopia in DEMO_NATS */
static const demo_nat DEMO_NATS[] = {
    {"UTO", 30, NAT_IDCARD, POOL(UTO_M), POOL(UTO_F), POOL(UTO_S)},
    {"D", 7, NAT_IDCARD, POOL(DEU_M), POOL(DEU_F), POOL(DEU_S)},
    {"FRA", 6, 0, POOL(FRA_M), POOL(FRA_F), POOL(FRA_S)},
    {"GBR", 6, 0, POOL(GBR_M), POOL(GBR_F), POOL(GBR_S)},
    {"USA", 6, 0, POOL(USA_M), POOL(USA_F), POOL(USA_S)},
    {"ITA", 4, NAT_IDCARD, POOL(ITA_M), POOL(ITA_F), POOL(ITA_S)},
    {"ESP", 4, NAT_IDCARD, POOL(ESP_M), POOL(ESP_F), POOL(ESP_S)},
    {"POL", 4, NAT_IDCARD, POOL(POL_M), POOL(POL_F), POOL(POL_S)},
    {"NLD", 3, NAT_IDCARD, POOL(NLD_M), POOL(NLD_F), POOL(NLD_S)},
    {"SWE", 2, 0, POOL(SWE_M), POOL(SWE_F), POOL(SWE_S)},
    {"RUS", 4, NAT_VISA | NAT_MRZ_NATIVE, POOL(RUS_M), POOL(RUS_F), POOL(RUS_S)},
    {"UKR", 4, NAT_MRZ_NATIVE, POOL(UKR_M), POOL(UKR_F), POOL(UKR_S)},
    {"GRC", 2, NAT_MRZ_NATIVE, POOL(GRC_M), POOL(GRC_F), POOL(GRC_S)},
    {"CHN", 4, NAT_VISA | NAT_SURNAME_FIRST, POOL(CHN_M), POOL(CHN_F), POOL(CHN_S)},
    {"JPN", 2, NAT_SURNAME_FIRST, POOL(JPN_M), POOL(JPN_F), POOL(JPN_S)},
    {"EGY", 2, NAT_VISA, POOL(EGY_M), POOL(EGY_F), POOL(EGY_S)},
    {"MAR", 2, NAT_VISA, POOL(MAR_M), POOL(MAR_F), POOL(MAR_S)},
    {"TUR", 3, NAT_VISA, POOL(TUR_M), POOL(TUR_F), POOL(TUR_S)},
    {"IND", 3, NAT_VISA, POOL(IND_M), POOL(IND_F), POOL(IND_S)},
    {"NGA", 2, NAT_VISA, POOL(NGA_M), POOL(NGA_F), POOL(NGA_S)},
    {"BRA", 2, 0, POOL(BRA_M), POOL(BRA_F), POOL(BRA_S)},
};
#define DEMO_NNATS BM_COUNTOF(DEMO_NATS)

/* The nationality code as stored and screened: alpha-3 ("D" is Germany's MRZ code, DEU in lists).
 */
static const char *nat_alpha3(unsigned nat) {
  return strcmp(DEMO_NATS[nat].code, "D") == 0 ? "DEU" : DEMO_NATS[nat].code;
}

static unsigned pick_nat(demo_rng *r, int foreign_only) {
  unsigned total = 0;
  for (unsigned i = foreign_only ? 1 : 0; i < DEMO_NNATS; i++) total += DEMO_NATS[i].weight;
  unsigned x = rng_below(r, total);
  for (unsigned i = foreign_only ? 1 : 0; i < DEMO_NNATS; i++) {
    if (x < DEMO_NATS[i].weight) return i;
    x -= DEMO_NATS[i].weight;
  }
  return DEMO_NNATS - 1;
}

/* ---- people ---- */

typedef struct demo_person {
  unsigned nat;
  char sex; /* 'M' or 'F' */
  unsigned given, surname;
  bm_date birth;
} demo_person;

static const demo_name *person_given(const demo_person *p) {
  const demo_nat *n = &DEMO_NATS[p->nat];
  return p->sex == 'F' ? &n->female[p->given % n->nfemale] : &n->male[p->given % n->nmale];
}
static void person_surname(const demo_person *p, const char **latin, const char **native) {
  const demo_surname *s = &DEMO_NATS[p->nat].surnames[p->surname % DEMO_NATS[p->nat].nsurnames];
  int f = p->sex == 'F' && s->latin_f != NULL;
  *latin = f ? s->latin_f : s->latin;
  *native = f ? s->native_f : s->native;
}

static bm_date random_birth(demo_rng *r, bm_date today) {
  unsigned age = rng_pct(r, 6) ? 1 + rng_below(r, 17) : 18 + rng_below(r, 60);
  long t = bm_date_to_days(today) - (long)age * 365 - (long)rng_below(r, 365);
  return bm_date_from_days(t);
}

static void random_person(demo_rng *r, demo_person *p, unsigned nat, bm_date today) {
  p->nat = nat;
  p->sex = rng_pct(r, 50) ? 'F' : 'M';
  p->given = rng_below(r, 64);
  p->surname = rng_below(r, 64);
  p->birth = random_birth(r, today);
}

static void date_str(bm_date d, char out[STORE_DATE_BYTES_MAX]) {
  snprintf(out, STORE_DATE_BYTES_MAX, "%04u-%02u-%02u", (unsigned)d.year % 10000u,
           (unsigned)d.month % 13u, (unsigned)d.day % 32u);
}

/* The names as the MRZ reads them (transliterated, fillers as spaces). */
static bm_err person_mrz_names(const demo_person *p, char *sur, size_t scap, char *giv, size_t gcap,
                               bm_diag *d) {
  const demo_name *g = person_given(p);
  const char *sl, *sn;
  person_surname(p, &sl, &sn);
  int native = (DEMO_NATS[p->nat].flags & NAT_MRZ_NATIVE) && g->native && sn;
  const char *src[2] = {native ? sn : sl, native ? g->native : g->latin};
  char *out[2] = {sur, giv};
  size_t cap[2] = {scap, gcap};
  for (int i = 0; i < 2; i++) {
    size_t n;
    bm_err e = mrz_translit(src[i], strlen(src[i]), out[i], cap[i], &n, d);
    if (e != BM_OK) return e;
    for (char *c = out[i]; *c; c++)
      if (*c == '<') *c = ' ';
  }
  return BM_OK;
}

/* ---- the synthetic lists ---- */

typedef struct demo_alert {
  char id[24];
  demo_person p;
  int birth_precision; /* 0 full date, 1 year only, 2 range of years */
  int has_doc;
  char doc_number[16];
  const char *category;
} demo_alert;

typedef struct demo_sltd {
  char id[24];
  char number[16];
  unsigned nat; /* issuing state */
  const char *type;
  const char *category;
} demo_sltd;

static const char DEMO_LETTERS[] = "ACDEFHJKLMNPRTUVWXY"; /* no B G I O Q S Z: MRZ confusables */
static char rng_letter(demo_rng *r) {
  return DEMO_LETTERS[rng_below(r, (unsigned)(sizeof DEMO_LETTERS - 1))];
}

static void gen_alerts(demo_alert *a, size_t n, bm_date today) {
  demo_rng r = {DEMO_LIST_SEED};
  static const char *const categories[] = {"refuse-entry", "refuse-entry",   "refuse-entry",
                                           "arrest",       "discreet-check", "inform"};
  for (size_t i = 0; i < n; i++) {
    memset(&a[i], 0, sizeof a[i]);
    snprintf(a[i].id, sizeof a[i].id, "UTO-NAT-%04u", (unsigned)i + 1);
    unsigned nat = rng_pct(&r, 10) ? NAT_UTO : pick_nat(&r, 1);
    random_person(&r, &a[i].p, nat, today);
    if (a[i].p.birth.year > today.year - 18) a[i].p.birth.year = (int16_t)(today.year - 30);
    unsigned x = rng_below(&r, 100);
    a[i].birth_precision = x < 85 ? 0 : x < 95 ? 1 : 2;
    a[i].has_doc = rng_pct(&r, 40);
    snprintf(a[i].doc_number, sizeof a[i].doc_number, "%c%c%c%06u", rng_letter(&r), rng_letter(&r),
             rng_letter(&r), rng_below(&r, 1000000));
    a[i].category = categories[rng_below(&r, (unsigned)BM_COUNTOF(categories))];
  }
}

static void gen_sltd(demo_sltd *s, size_t n) {
  demo_rng r = {DEMO_LIST_SEED ^ 0x5D7Dull};
  for (size_t i = 0; i < n; i++) {
    memset(&s[i], 0, sizeof s[i]);
    snprintf(s[i].id, sizeof s[i].id, "UTO-SLTD-%06u", (unsigned)i + 1);
    s[i].nat = rng_pct(&r, 45) ? NAT_UTO : pick_nat(&r, 1);
    s[i].type = (DEMO_NATS[s[i].nat].flags & NAT_IDCARD) && rng_pct(&r, 35) ? "ID" : "P";
    /* A bijection of i: distinct numbers. */
    snprintf(s[i].number, sizeof s[i].number, "%c%08u", rng_letter(&r),
             (unsigned)((i * 104729u + 12345678u) % 100000000u));
    unsigned x = rng_below(&r, 100);
    s[i].category = x < 55 ? "stolen" : x < 90 ? "lost" : "revoked";
  }
}

/* A JSON string of controlled text (UTF-8 passes through). */
static void json_str(FILE *f, const char *s) {
  putc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p < 0x20)
      fprintf(f, "\\u%04x", *p);
    else
      putc(*p, f);
  }
  putc('"', f);
}

static bm_err write_national(const char *path, const demo_alert *a, size_t n, bm_diag *d) {
  FILE *f = fopen(path, "w");
  if (f == NULL)
    return bm_diag_set(d, BM_ERR_IO, "list_dir", 0, 0, "%s: %s", path, strerror(errno));
  for (size_t i = 0; i < n; i++) {
    const demo_person *p = &a[i].p;
    const demo_name *g = person_given(p);
    const char *sl, *sn;
    person_surname(p, &sl, &sn);
    char latin[DEMO_NAME_TEXT_BYTES], native[DEMO_NAME_TEXT_BYTES] = "";
    snprintf(latin, sizeof latin, "%s %s", g->latin, sl);
    if (g->native && sn) {
      if (DEMO_NATS[p->nat].flags & NAT_SURNAME_FIRST)
        snprintf(native, sizeof native, "%s%s", sn, g->native);
      else
        snprintf(native, sizeof native, "%s %s", g->native, sn);
    }
    fprintf(f, "{\"id\":\"%s\",\"kind\":\"person\",\"names\":[", a[i].id);
    json_str(f, latin);
    if (native[0]) {
      putc(',', f);
      json_str(f, native);
    }
    char dob[STORE_DATE_BYTES_MAX];
    date_str(p->birth, dob);
    if (a[i].birth_precision == 0)
      fprintf(f, "],\"birth_dates\":[\"%s\"]", dob);
    else if (a[i].birth_precision == 1)
      fprintf(f, "],\"birth_dates\":[\"%d\"]", p->birth.year);
    else
      fprintf(f, "],\"birth_dates\":[\"%d/%d\"]", p->birth.year - 1, p->birth.year + 1);
    fprintf(f, ",\"nationalities\":[\"%s\"],\"sex\":\"%c\"", nat_alpha3(p->nat), p->sex);
    if (a[i].has_doc)
      fprintf(f, ",\"documents\":[{\"type\":\"P\",\"number\":\"%s\",\"country\":\"%s\"}]",
              a[i].doc_number, nat_alpha3(p->nat));
    fprintf(f,
            ",\"category\":\"%s\",\"notes\":\"Synthetic openbmis demo record: an invented "
            "person.\"}\n",
            a[i].category);
  }
  if (fclose(f) != 0)
    return bm_diag_set(d, BM_ERR_IO, "list_dir", 0, 0, "%s: %s", path, strerror(errno));
  return BM_OK;
}

static bm_err write_sltd(const char *path, const demo_sltd *s, size_t n, bm_diag *d) {
  FILE *f = fopen(path, "w");
  if (f == NULL)
    return bm_diag_set(d, BM_ERR_IO, "list_dir", 0, 0, "%s: %s", path, strerror(errno));
  for (size_t i = 0; i < n; i++)
    fprintf(
        f,
        "{\"id\":\"%s\",\"kind\":\"document\",\"documents\":[{\"type\":\"%s\",\"number\":\"%s\","
        "\"country\":\"%s\"}],\"category\":\"%s\",\"notes\":\"Synthetic openbmis demo record: "
        "an invented document.\"}\n",
        s[i].id, s[i].type, s[i].number, nat_alpha3(s[i].nat), s[i].category);
  if (fclose(f) != 0)
    return bm_diag_set(d, BM_ERR_IO, "list_dir", 0, 0, "%s: %s", path, strerror(errno));
  return BM_OK;
}

/* ---- files ---- */

static bm_err make_dir(const char *path, bm_diag *d) {
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    return bm_diag_set(d, BM_ERR_IO, "list_dir", 0, 0, "%s: %s", path, strerror(errno));
  return BM_OK;
}

static bm_err copy_file(const char *src, const char *dst, bm_diag *d) {
  FILE *in = fopen(src, "rb");
  if (in == NULL)
    return bm_diag_set(d, BM_ERR_IO, "data_dir", 0, 0, "%s: %s", src, strerror(errno));
  FILE *out = fopen(dst, "wb");
  if (out == NULL) {
    fclose(in);
    return bm_diag_set(d, BM_ERR_IO, "list_dir", 0, 0, "%s: %s", dst, strerror(errno));
  }
  char *buf = malloc(DEMO_COPY_CHUNK);
  bm_err e = buf ? BM_OK : bm_diag_set(d, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  size_t n;
  while (e == BM_OK && (n = fread(buf, 1, DEMO_COPY_CHUNK, in)) > 0)
    if (fwrite(buf, 1, n, out) != n)
      e = bm_diag_set(d, BM_ERR_IO, "list_dir", 0, 0, "%s: %s", dst, strerror(errno));
  if (e == BM_OK && ferror(in))
    e = bm_diag_set(d, BM_ERR_IO, "data_dir", 0, 0, "%s: read error", src);
  free(buf);
  fclose(in);
  if (fclose(out) != 0 && e == BM_OK)
    e = bm_diag_set(d, BM_ERR_IO, "list_dir", 0, 0, "%s: %s", dst, strerror(errno));
  return e;
}

static bm_err file_sha256(const char *path, char hex[STORE_SHA256_HEX_BYTES], bm_diag *d) {
  FILE *in = fopen(path, "rb");
  if (in == NULL) return bm_diag_set(d, BM_ERR_IO, "path", 0, 0, "%s: %s", path, strerror(errno));
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  unsigned char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) crypto_hash_sha256_update(&st, buf, n);
  int bad = ferror(in);
  fclose(in);
  if (bad) return bm_diag_set(d, BM_ERR_IO, "path", 0, 0, "%s: read error", path);
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, h);
  sodium_bin2hex(hex, STORE_SHA256_HEX_BYTES, h, sizeof h);
  return BM_OK;
}

/* ---- the generation context ---- */

typedef struct demo_trav {
  demo_person p;
  char doc_type[4]; /* "P" or "ID" */
  char number[16];
  unsigned doc_nat; /* issuing state */
  bm_date expiry;
  int resident;   /* a citizen of Utopia */
  int eventful;   /* refused, referred, listed, overstaying: not a "clean" candidate */
  int in_country; /* a foreigner whose last recorded crossing is an admitted entry */
  int64_t id, doc_id;
} demo_trav;

enum { DEC_ADMITTED = 0, DEC_REFUSED, DEC_REFERRED };
enum { REF_NONE = 0, REF_OPEN, REF_ADMITTED, REF_REFUSED };

typedef struct demo_xing {
  uint32_t trav;
  uint32_t seq; /* generation order: ties in time keep it */
  int64_t time_ms;
  uint8_t bcp, officer, exit, decision, referral;
  char codes[4]; /* refusal code letters */
  char remark[96];
} demo_xing;

#define DEMO_BCPS 6
static const struct {
  const char *code, *name, *kind;
  unsigned weight;
} DEMO_BCP[DEMO_BCPS] = {
    {"UTO-CAP-T1", "Utopia City International Airport, Terminal 1", "air", 34},
    {"UTO-CAP-T2", "Utopia City International Airport, Terminal 2", "air", 20},
    {"UTO-SBY", "Southbay Regional Airport", "air", 8},
    {"UTO-NGT", "Nordgate Road Crossing", "land", 20},
    {"UTO-EBR", "Eastbridge Rail Crossing", "rail", 8},
    {"UTO-PHV", "Port Haven Seaport", "sea", 10},
};

static const struct {
  const char *username;
  app_role role;
  const char *password;
} DEMO_USERS[] = {
    {"officer1", APP_ROLE_OFFICER, "officer-demo-2026"},
    {"officer2", APP_ROLE_OFFICER, "officer-demo-2026"},
    {"officer3", APP_ROLE_OFFICER, "officer-demo-2026"},
    {"supervisor", APP_ROLE_SUPERVISOR, "supervisor-demo-2026"},
    {"analyst", APP_ROLE_ANALYST, "analyst-demo-2026"},
    {"admin", APP_ROLE_ADMINISTRATOR, "admin-demo-2026"},
    {"dpo", APP_ROLE_DPO, "dpo-demo-2026"},
    {"api-client", APP_ROLE_API_CLIENT, "api-client-demo-2026"},
};
#define DEMO_OFFICERS 3

typedef struct demo_ctx {
  store *s;
  const app_demo_opts *o;
  app_demo_report *rep;
  bm_diag *d;
  demo_rng r;
  bm_date end;
  long first_day, last_day;
  int64_t bcp_ids[DEMO_BCPS];
  int64_t officer_ids[DEMO_OFFICERS];
  int64_t supervisor_id;
  unsigned doc_counter;
  demo_trav *t;
  size_t nt, capt;
  demo_xing *x;
  size_t nx, capx;
  demo_alert *alerts;
  demo_sltd *sltd;
  unsigned char *alert_used, *sltd_used;
} demo_ctx;

static bm_err nomem(demo_ctx *c) {
  return bm_diag_set(c->d, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

static bm_err grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return BM_OK;
  size_t ncap = *cap ? *cap * 2 : 1024;
  while (ncap < need) ncap *= 2;
  void *np = realloc(*p, ncap * elem);
  if (np == NULL) return BM_ERR_NOMEM;
  *p = np;
  *cap = ncap;
  return BM_OK;
}

static unsigned pick_bcp(demo_rng *r) {
  unsigned total = 0;
  for (unsigned i = 0; i < DEMO_BCPS; i++) total += DEMO_BCP[i].weight;
  unsigned x = rng_below(r, total);
  for (unsigned i = 0; i < DEMO_BCPS; i++) {
    if (x < DEMO_BCP[i].weight) return i;
    x -= DEMO_BCP[i].weight;
  }
  return 0;
}

/* A new traveller with its own document; returns its index or -1 (no memory). */
static long add_trav(demo_ctx *c, const demo_person *p, int id_card) {
  if (grow((void **)&c->t, &c->capt, c->nt + 1, sizeof *c->t) != BM_OK) return -1;
  demo_trav *t = &c->t[c->nt];
  memset(t, 0, sizeof *t);
  t->p = *p;
  t->doc_nat = p->nat;
  t->resident = p->nat == NAT_UTO;
  snprintf(t->doc_type, sizeof t->doc_type, "%s", id_card ? "ID" : "P");
  /* 2 letters + 7 digits; 7919 is prime to 10^7, so the counter maps to distinct numbers. */
  unsigned k = c->doc_counter++;
  snprintf(t->number, sizeof t->number, "%c%c%07u", rng_letter(&c->r), rng_letter(&c->r),
           (unsigned)(((unsigned long long)k * 7919u + 3817293u) % 10000000u));
  t->expiry = bm_date_from_days(c->last_day + 30 + (long)rng_below(&c->r, 3600));
  return (long)c->nt++;
}

/* Append a crossing at day (time drawn: entries in the morning, exits in the afternoon). */
static demo_xing *add_x(demo_ctx *c, size_t ti, long day, int exit, int decision, const char *codes,
                        const char *remark) {
  if (grow((void **)&c->x, &c->capx, c->nx + 1, sizeof *c->x) != BM_OK) return NULL;
  demo_xing *x = &c->x[c->nx];
  memset(x, 0, sizeof *x);
  x->trav = (uint32_t)ti;
  x->seq = (uint32_t)c->nx;
  unsigned secs =
      exit ? 13 * 3600 + rng_below(&c->r, 10 * 3600) : 5 * 3600 + rng_below(&c->r, 8 * 3600);
  x->time_ms = (int64_t)day * DEMO_DAY_MS + (int64_t)secs * 1000;
  x->bcp = (uint8_t)pick_bcp(&c->r);
  x->officer = (uint8_t)rng_below(&c->r, DEMO_OFFICERS);
  x->exit = (uint8_t)exit;
  x->decision = (uint8_t)decision;
  snprintf(x->codes, sizeof x->codes, "%s", codes ? codes : "");
  snprintf(x->remark, sizeof x->remark, "%s", remark ? remark : "");
  c->nx++;
  return x;
}

static const char *code_remark(char code) {
  switch (code) {
  case 'A': return "travel document expired";
  case 'B': return "passport data page altered (second-line examination)";
  case 'C': return "no visa";
  case 'D': return "counterfeit visa sticker";
  case 'E': return "no return ticket and no accommodation booked";
  case 'F': return "already stayed 90 days in the current 180-day period";
  case 'G': return "insufficient means of subsistence";
  case 'H': return "national alert for refusal of entry";
  case 'I': return "threat to public policy: see case file";
  case 'J': return "no travel authorisation";
  default: return "";
  }
}

/* Refusal codes for an ordinary refusal. */
static void pick_codes(demo_rng *r, int visa, char out[4]) {
  static const char visa_codes[] = "CCCCCCDEEGG";
  static const char free_codes[] = "EEEEEGGGGAAABBIIJJ";
  const char *set = visa ? visa_codes : free_codes;
  size_t n = strlen(set);
  out[0] = set[rng_below(r, (unsigned)n)];
  out[1] = '\0';
  if (rng_pct(r, 15) && out[0] != 'E' && out[0] != 'G') {
    out[1] = rng_pct(r, 50) ? 'E' : 'G';
    out[2] = '\0';
  }
}

static const char *const REFERRAL_REASONS[] = {
    "purpose of stay unclear: second-line interview",
    "document examination under UV and magnification",
    "possible watchlist match to be checked",
    "means of subsistence to be verified",
    "previous refusal on record",
};

/* One entry decision of a foreigner's trip; returns the decision and fills codes/referral. */
static bm_err entry_decision(demo_ctx *c, size_t ti, long day, int *admitted) {
  demo_trav *t = &c->t[ti];
  int visa = (DEMO_NATS[t->p.nat].flags & NAT_VISA) != 0;
  unsigned x = rng_below(&c->r, 1000);
  unsigned refuse = visa ? 40 : 15, refer = 25;
  *admitted = 0;
  if (x < refuse) {
    char codes[4];
    pick_codes(&c->r, visa, codes);
    if (add_x(c, ti, day, 0, DEC_REFUSED, codes, code_remark(codes[0])) == NULL) return nomem(c);
    t->eventful = 1;
    return BM_OK;
  }
  if (x < refuse + refer) {
    demo_xing *xg =
        add_x(c, ti, day, 0, DEC_REFERRED, NULL,
              REFERRAL_REASONS[rng_below(&c->r, (unsigned)BM_COUNTOF(REFERRAL_REASONS))]);
    if (xg == NULL) return nomem(c);
    t->eventful = 1;
    if (day >= c->last_day - 2) {
      xg->referral = REF_OPEN;
    } else if (rng_pct(&c->r, 80)) {
      xg->referral = REF_ADMITTED;
      *admitted = 1;
    } else {
      xg->referral = REF_REFUSED;
    }
    return BM_OK;
  }
  const char *remark = visa ? "short-stay visa checked (VIS)" : "";
  if (add_x(c, ti, day, 0, DEC_ADMITTED, NULL, remark) == NULL) return nomem(c);
  *admitted = 1;
  return BM_OK;
}

static bm_err gen_ordinary(demo_ctx *c, size_t ti) {
  demo_trav *t = &c->t[ti];
  unsigned days = (unsigned)(c->last_day - c->first_day + 1);
  long day = c->first_day + (long)rng_below(&c->r, days);
  if (t->resident) {
    /* A citizen of Utopia: trips abroad (exit, then entry on return). */
    unsigned trips = 1 + rng_below(&c->r, 4);
    for (unsigned k = 0; k < trips && day <= c->last_day; k++) {
      long back = day + 1 + (long)rng_below(&c->r, 14);
      if (add_x(c, ti, day, 1, DEC_ADMITTED, NULL, NULL) == NULL) return nomem(c);
      if (back > c->last_day) break;
      if (add_x(c, ti, back, 0, DEC_ADMITTED, NULL, NULL) == NULL) return nomem(c);
      day = back + 3 + (long)rng_below(&c->r, 30);
    }
    return BM_OK;
  }
  /* A foreigner: visits (entry, then exit), at most 80 days in all, so never an overstay. */
  unsigned trips = 1 + (unsigned)rng_pct(&c->r, 35) + (unsigned)rng_pct(&c->r, 12), used = 0;
  for (unsigned k = 0; k < trips && day <= c->last_day; k++) {
    unsigned len = 1 + (rng_pct(&c->r, 70) ? rng_below(&c->r, 10) : rng_below(&c->r, 35));
    if (used + len > 80) len = 80 - used;
    if (len == 0) break;
    int admitted;
    bm_err e = entry_decision(c, ti, day, &admitted);
    if (e != BM_OK) return e;
    if (!admitted) {
      t->in_country = 0;
      day += 7 + (long)rng_below(&c->r, 30);
      continue;
    }
    long exit = day + (long)len - 1;
    used += len;
    if (exit > c->last_day) {
      t->in_country = 1;
      break;
    }
    if (add_x(c, ti, exit, 1, DEC_ADMITTED, NULL, NULL) == NULL) return nomem(c);
    t->in_country = 0;
    day = exit + 5 + (long)rng_below(&c->r, 40);
  }
  return BM_OK;
}

/* ---- screening, to choose and check the try set ---- */

typedef struct demo_screen {
  wl_list *lists[APP_DEMO_LISTS_MAX];
  size_t nlists;
  wl_index *index;
  wl_scratch *scratch;
} demo_screen;

/* Screen traveller ti; *nhits receives the hit count, hits[] the hits. */
static bm_err screen_trav(demo_ctx *c, demo_screen *sc, size_t ti, wl_hit *hits, unsigned *nhits) {
  const demo_trav *t = &c->t[ti];
  char sur[STORE_NAME_BYTES_MAX], giv[STORE_NAME_BYTES_MAX];
  bm_err e = person_mrz_names(&t->p, sur, sizeof sur, giv, sizeof giv, c->d);
  if (e != BM_OK) return e;
  wl_query q;
  memset(&q, 0, sizeof q);
  q.id = "demo";
  q.surname = sur;
  q.given_names = giv;
  q.birth.year = t->p.birth.year;
  q.birth.year_to = t->p.birth.year;
  q.birth.month = t->p.birth.month;
  q.birth.day = t->p.birth.day;
  q.nationality = nat_alpha3(t->p.nat);
  q.sex = t->p.sex;
  q.document_number = t->number;
  q.document_country = nat_alpha3(t->doc_nat);
  q.document_type = t->doc_type;
  wl_screen_opts so = {0};
  so.limit = WL_DEFAULT_LIMIT;
  return wl_screen(sc->index, sc->scratch, &q, &so, hits, nhits, c->d);
}

static int hits_list_entry(const wl_hit *hits, unsigned n, const char *list, const char *entry) {
  for (unsigned i = 0; i < n; i++)
    if (strcmp(hits[i].list, list) == 0 && (entry == NULL || strcmp(hits[i].entry->id, entry) == 0))
      return 1;
  return 0;
}

/* ---- store writes ---- */

static bm_err add_bcps(demo_ctx *c) {
  for (unsigned i = 0; i < DEMO_BCPS; i++) {
    store_bcp b;
    memset(&b, 0, sizeof b);
    snprintf(b.code, sizeof b.code, "%s", DEMO_BCP[i].code);
    snprintf(b.name, sizeof b.name, "%s", DEMO_BCP[i].name);
    snprintf(b.country, sizeof b.country, "UTO");
    snprintf(b.kind, sizeof b.kind, "%s", DEMO_BCP[i].kind);
    b.active = 1;
    bm_err e = store_bcp_add(c->s, &b, c->d);
    if (e != BM_OK) return e;
    c->bcp_ids[i] = b.id;
  }
  c->rep->bcps = DEMO_BCPS;
  return BM_OK;
}

static bm_err add_users(demo_ctx *c) {
  app_auth_config cfg;
  app_auth_config_default(&cfg);
  if (c->o->pwhash_opslimit) cfg.pwhash_opslimit = c->o->pwhash_opslimit;
  if (c->o->pwhash_memlimit) cfg.pwhash_memlimit = c->o->pwhash_memlimit;
  app_actor by;
  memset(&by, 0, sizeof by);
  snprintf(by.name, sizeof by.name, "bmis-demo");
  snprintf(by.source_addr, sizeof by.source_addr, "local");
  unsigned officers = 0;
  for (size_t i = 0; i < BM_COUNTOF(DEMO_USERS); i++) {
    store_user u;
    const char *pw = DEMO_USERS[i].password;
    bm_err e = app_user_add(c->s, &cfg, &by, DEMO_USERS[i].username, DEMO_USERS[i].role, pw,
                            strlen(pw), &u, c->d);
    if (e != BM_OK) return e;
    app_demo_login *l = &c->rep->logins[c->rep->nlogins++];
    snprintf(l->username, sizeof l->username, "%s", u.username);
    snprintf(l->role, sizeof l->role, "%s", app_role_name(DEMO_USERS[i].role));
    snprintf(l->password, sizeof l->password, "%s", pw);
    l->user_id = u.id;
    if (DEMO_USERS[i].role == APP_ROLE_OFFICER && officers < DEMO_OFFICERS)
      c->officer_ids[officers++] = u.id;
    if (DEMO_USERS[i].role == APP_ROLE_SUPERVISOR) c->supervisor_id = u.id;
  }
  c->rep->users = c->rep->nlogins;
  return BM_OK;
}

/* Load path (to count and to prove it loads), hash it and register it as list name. */
static bm_err register_list(demo_ctx *c, demo_screen *sc, const char *name, const char *kind,
                            const char *version, const char *path) {
  wl_load_report *lr = calloc(1, sizeof *lr);
  if (lr == NULL) return nomem(c);
  wl_list *l = NULL;
  bm_err e = wl_list_load(path, name, WL_FORMAT_AUTO, &l, lr, c->d);
  free(lr);
  if (e != BM_OK) return e;
  sc->lists[sc->nlists++] = l;
  app_demo_list *dl = &c->rep->lists[c->rep->nlists];
  memset(dl, 0, sizeof *dl);
  snprintf(dl->name, sizeof dl->name, "%s", name);
  snprintf(dl->kind, sizeof dl->kind, "%s", kind);
  snprintf(dl->version, sizeof dl->version, "%s", version);
  snprintf(dl->path, sizeof dl->path, "%s", path);
  dl->entry_count = (int64_t)wl_list_count(l);
  if ((e = file_sha256(path, dl->file_sha256, c->d)) != BM_OK) return e;
  store_watchlist w;
  memset(&w, 0, sizeof w);
  snprintf(w.name, sizeof w.name, "%s", name);
  snprintf(w.kind, sizeof w.kind, "%s", kind);
  if ((e = store_watchlist_put(c->s, &w, c->d)) != BM_OK) return e;
  store_watchlist_version v;
  memset(&v, 0, sizeof v);
  v.watchlist_id = w.id;
  snprintf(v.version, sizeof v.version, "%s", version);
  v.loaded_ms = store_now_ms();
  v.entry_count = dl->entry_count;
  memcpy(v.file_sha256, dl->file_sha256, sizeof v.file_sha256);
  snprintf(v.path, sizeof v.path, "%s", path);
  v.loaded_by = 0;
  if ((e = store_watchlist_version_add(c->s, &v, c->d)) != BM_OK) return e;
  dl->watchlist_id = w.id;
  dl->version_id = v.id;
  c->rep->nlists++;
  return BM_OK;
}

static bm_err path_join(demo_ctx *c, char *out, size_t cap, const char *a, const char *b) {
  int n = snprintf(out, cap, "%s/%s", a, b);
  if (n < 0 || (size_t)n >= cap)
    return bm_diag_set(c->d, BM_ERR_LIMIT, "path", 0, 0, "path too long: %s/%s", a, b);
  return BM_OK;
}

static bm_err setup_lists(demo_ctx *c, demo_screen *sc) {
  bm_err e = make_dir(c->o->list_dir, c->d);
  if (e != BM_OK) return e;
  char dir[PATH_MAX];
  if (realpath(c->o->list_dir, dir) == NULL)
    return bm_diag_set(c->d, BM_ERR_IO, "list_dir", 0, 0, "%s: %s", c->o->list_dir,
                       strerror(errno));
  char src[STORE_PATH_BYTES_MAX], dst[STORE_PATH_BYTES_MAX], sub[STORE_PATH_BYTES_MAX];

  if ((e = path_join(c, dst, sizeof dst, dir, "national.jsonl")) != BM_OK ||
      (e = write_national(dst, c->alerts, APP_DEMO_NATIONAL_ENTRIES, c->d)) != BM_OK ||
      (e = register_list(c, sc, "national", "national", DEMO_LIST_VERSION, dst)) != BM_OK)
    return e;
  if ((e = path_join(c, dst, sizeof dst, dir, "sltd.jsonl")) != BM_OK ||
      (e = write_sltd(dst, c->sltd, APP_DEMO_SLTD_ENTRIES, c->d)) != BM_OK ||
      (e = register_list(c, sc, "sltd", "sltd", DEMO_LIST_VERSION, dst)) != BM_OK)
    return e;

  /* The public lists, copied as they are. */
  static const struct {
    const char *folder, *files[2], *name, *version;
  } pub[] = {
      {"un_2026-02", {"UN_consolidated.xml", NULL}, "un", "2026-02-27"},
      {"ofac_sdn_2021-07", {"sdn.csv", "alt.csv"}, "ofac", "2021-07-07"},
  };
  for (size_t i = 0; i < BM_COUNTOF(pub); i++) {
    char from[STORE_PATH_BYTES_MAX];
    if ((e = path_join(c, from, sizeof from, c->o->data_dir, "watchlists")) != BM_OK ||
        (e = path_join(c, src, sizeof src, from, pub[i].folder)) != BM_OK ||
        (e = path_join(c, sub, sizeof sub, dir, pub[i].folder)) != BM_OK ||
        (e = make_dir(sub, c->d)) != BM_OK)
      return e;
    for (size_t k = 0; k < 2 && pub[i].files[k]; k++) {
      char f[STORE_PATH_BYTES_MAX];
      if ((e = path_join(c, f, sizeof f, src, pub[i].files[k])) != BM_OK ||
          (e = path_join(c, dst, sizeof dst, sub, pub[i].files[k])) != BM_OK ||
          (e = copy_file(f, dst, c->d)) != BM_OK)
        return e;
    }
    if ((e = path_join(c, dst, sizeof dst, sub, pub[i].files[0])) != BM_OK ||
        (e = register_list(c, sc, pub[i].name, pub[i].name, pub[i].version, dst)) != BM_OK)
      return e;
  }
  if ((e = wl_index_build(sc->lists, sc->nlists, NULL, &sc->index, c->d)) != BM_OK) return e;
  sc->scratch = wl_scratch_new(sc->index, c->d);
  return sc->scratch ? BM_OK : nomem(c);
}

/* ---- scenarios ---- */

typedef struct demo_tries {
  long clean, clean_id, alert, sltd, overstay, refused; /* traveller index, -1 = none */
  long alert_entry, sltd_entry;                         /* index into the lists */
} demo_tries;

/* A traveller who is alert person i (same name, birth date, nationality, sex; own passport). */
static long trav_from_alert(demo_ctx *c, size_t i) {
  long ti = add_trav(c, &c->alerts[i].p, 0);
  if (ti >= 0) c->t[ti].eventful = 1;
  c->alert_used[i] = 1;
  return ti;
}

/* A made-up traveller of the document's nationality carrying lost/stolen document i. */
static long trav_from_sltd(demo_ctx *c, size_t i) {
  demo_person p;
  random_person(&c->r, &p, c->sltd[i].nat, c->end);
  if (p.birth.year > c->end.year - 18) p.birth.year = (int16_t)(c->end.year - 35);
  long ti = add_trav(c, &p, strcmp(c->sltd[i].type, "ID") == 0);
  if (ti < 0) return ti;
  snprintf(c->t[ti].number, sizeof c->t[ti].number, "%s", c->sltd[i].number);
  c->t[ti].eventful = 1;
  c->sltd_used[i] = 1;
  return ti;
}

/* An earlier, ordinary visit: entry and exit, admitted. */
static bm_err visit(demo_ctx *c, size_t ti, long entry, long exit) {
  if (add_x(c, ti, entry, 0, DEC_ADMITTED, NULL, NULL) == NULL) return nomem(c);
  if (exit != LONG_MIN && add_x(c, ti, exit, 1, DEC_ADMITTED, NULL, NULL) == NULL) return nomem(c);
  return BM_OK;
}

static bm_err gen_scenarios(demo_ctx *c, demo_screen *sc, demo_tries *tr) {
  wl_hit hits[WL_DEFAULT_LIMIT];
  unsigned nh;
  bm_err e = BM_OK;
  long L = c->last_day;
  char remark[96];

  /* National alert: the first person (from a random start) with a full birth date whose traveller
   * hits the national list on that very entry. */
  tr->alert = -1;
  size_t start = rng_below(&c->r, APP_DEMO_NATIONAL_ENTRIES);
  for (size_t k = 0; k < APP_DEMO_NATIONAL_ENTRIES && tr->alert < 0 && e == BM_OK; k++) {
    size_t i = (start + k) % APP_DEMO_NATIONAL_ENTRIES;
    if (c->alerts[i].birth_precision != 0 || c->alerts[i].p.nat == NAT_UTO) continue;
    long ti = trav_from_alert(c, i);
    if (ti < 0) {
      e = nomem(c);
      break;
    }
    if ((e = screen_trav(c, sc, (size_t)ti, hits, &nh)) != BM_OK) break;
    if (hits_list_entry(hits, nh, "national", c->alerts[i].id)) {
      tr->alert = ti;
      tr->alert_entry = (long)i;
      e = visit(c, (size_t)ti, L - 64, L - 57);
    } else {
      c->nt--; /* not a convincing hit: drop the traveller again */
      c->alert_used[i] = 0;
    }
  }
  /* National-list persons seen in the traffic: refused with code H. */
  for (unsigned k = 0, n = 0, i = rng_below(&c->r, APP_DEMO_NATIONAL_ENTRIES);
       k < DEMO_SCENARIO_HITS && n < APP_DEMO_NATIONAL_ENTRIES && e == BM_OK;
       i = (i + 7) % APP_DEMO_NATIONAL_ENTRIES, n++) {
    if (c->alert_used[i] || c->alerts[i].birth_precision != 0 || c->alerts[i].p.nat == NAT_UTO ||
        strcmp(c->alerts[i].category, "refuse-entry") != 0)
      continue;
    long ti = trav_from_alert(c, i);
    if (ti < 0) return nomem(c);
    snprintf(remark, sizeof remark, "national alert list entry %s", c->alerts[i].id);
    if (add_x(c, (size_t)ti, c->first_day + (long)rng_below(&c->r, (unsigned)(L - c->first_day)), 0,
              DEC_REFUSED, "H", remark) == NULL)
      e = nomem(c);
    k++;
  }

  /* Lost/stolen documents: foreign passports, one for the try set, some refused with code A. */
  tr->sltd = -1;
  for (unsigned k = 0, n = 0, i = rng_below(&c->r, APP_DEMO_SLTD_ENTRIES);
       k < DEMO_SCENARIO_HITS + 1 && n < APP_DEMO_SLTD_ENTRIES && e == BM_OK;
       i = (i + 13) % APP_DEMO_SLTD_ENTRIES, n++) {
    if (c->sltd_used[i] || c->sltd[i].nat == NAT_UTO || strcmp(c->sltd[i].type, "P") != 0) continue;
    long ti = trav_from_sltd(c, i);
    if (ti < 0) return nomem(c);
    if (k == 0) {
      tr->sltd = ti;
      tr->sltd_entry = (long)i;
      e = visit(c, (size_t)ti, L - 41, L - 38);
    } else {
      snprintf(remark, sizeof remark, "document recorded as %s (%s)", c->sltd[i].category,
               c->sltd[i].id);
      if (add_x(c, (size_t)ti, c->first_day + (long)rng_below(&c->r, (unsigned)(L - c->first_day)),
                0, DEC_REFUSED, "A", remark) == NULL)
        e = nomem(c);
    }
    k++;
  }

  /* Overstayers (90/180): ongoing stays over 90 days, a stay of 111 days, and one who left after
   * 101 days and was refused (F) on coming back. */
  static const char *const os_nats[] = {"USA", "BRA", "GBR", "UKR"};
  long os[4] = {-1, -1, -1, -1};
  for (unsigned k = 0; k < 4 && e == BM_OK; k++) {
    unsigned nat = 0;
    for (unsigned n = 0; n < DEMO_NNATS; n++)
      if (strcmp(DEMO_NATS[n].code, os_nats[k]) == 0) nat = n;
    demo_person p;
    random_person(&c->r, &p, nat, c->end);
    if (p.birth.year > c->end.year - 18) p.birth.year = (int16_t)(c->end.year - 28);
    os[k] = add_trav(c, &p, 0);
    if (os[k] < 0) return nomem(c);
    c->t[os[k]].eventful = 1;
  }
  if (e == BM_OK) e = visit(c, (size_t)os[0], L - 119, LONG_MIN);
  if (e == BM_OK) e = visit(c, (size_t)os[1], L - 100, LONG_MIN);
  if (e == BM_OK) {
    if (add_x(c, (size_t)os[2], L - 170, 0, DEC_ADMITTED, NULL, NULL) == NULL ||
        add_x(c, (size_t)os[2], L - 60, 1, DEC_ADMITTED, NULL,
              "overstay of 21 days recorded at exit") == NULL)
      e = nomem(c);
  }
  if (e == BM_OK) {
    if (add_x(c, (size_t)os[3], L - 140, 0, DEC_ADMITTED, NULL, NULL) == NULL ||
        add_x(c, (size_t)os[3], L - 40, 1, DEC_ADMITTED, NULL,
              "overstay of 11 days recorded at exit") == NULL ||
        add_x(c, (size_t)os[3], L - 10, 0, DEC_REFUSED, "F", code_remark('F')) == NULL)
      e = nomem(c);
  }
  c->rep->overstayers = 4;
  tr->overstay = os[0];

  /* Second line, whatever the traffic size: three travellers waiting today (open referrals), two
   * referred and admitted last week. */
  for (unsigned k = 0; k < 5 && e == BM_OK; k++) {
    demo_person p;
    random_person(&c->r, &p, pick_nat(&c->r, 1), c->end);
    long ti = add_trav(c, &p, 0);
    if (ti < 0) return nomem(c);
    c->t[ti].eventful = 1;
    long day = k < 3 ? L : L - 7 + (long)k;
    demo_xing *xg = add_x(c, (size_t)ti, day, 0, DEC_REFERRED, NULL, REFERRAL_REASONS[k]);
    if (xg == NULL) return nomem(c);
    xg->referral = k < 3 ? REF_OPEN : REF_ADMITTED;
    if (k >= 3 && add_x(c, (size_t)ti, day + 3, 1, DEC_ADMITTED, NULL, NULL) == NULL) e = nomem(c);
  }

  /* Refused before: a visa-required traveller, admitted once, then refused (C, E). */
  if (e == BM_OK) {
    unsigned nat = 0;
    for (unsigned n = 0; n < DEMO_NNATS; n++)
      if (strcmp(DEMO_NATS[n].code, "TUR") == 0) nat = n;
    demo_person p;
    random_person(&c->r, &p, nat, c->end);
    if (p.birth.year > c->end.year - 18) p.birth.year = (int16_t)(c->end.year - 40);
    tr->refused = add_trav(c, &p, 0);
    if (tr->refused < 0) return nomem(c);
    c->t[tr->refused].eventful = 1;
    e = visit(c, (size_t)tr->refused, L - 75, L - 68);
    if (e == BM_OK && add_x(c, (size_t)tr->refused, L - 20, 0, DEC_REFUSED, "CE",
                            "no visa; no return ticket and no accommodation booked") == NULL)
      e = nomem(c);
  }
  return e;
}

/* The clean try documents: ordinary travellers with no event, not in the country, no hit at all. */
static bm_err pick_clean(demo_ctx *c, demo_screen *sc, size_t nordinary, demo_tries *tr) {
  wl_hit *hits = calloc(WL_DEFAULT_LIMIT, sizeof *hits);
  if (hits == NULL) return nomem(c);
  tr->clean = tr->clean_id = -1;
  bm_err e = BM_OK;
  for (size_t i = 0; i < nordinary && e == BM_OK && (tr->clean < 0 || tr->clean_id < 0); i++) {
    const demo_trav *t = &c->t[i];
    if (t->eventful || t->in_country) continue;
    int want_id = t->resident && strcmp(t->doc_type, "ID") == 0 && tr->clean_id < 0;
    int want_p = !t->resident && strcmp(t->doc_type, "P") == 0 &&
                 !(DEMO_NATS[t->p.nat].flags & NAT_VISA) && tr->clean < 0;
    if (!want_id && !want_p) continue;
    unsigned nh = 0;
    if ((e = screen_trav(c, sc, i, hits, &nh)) != BM_OK) break;
    if (nh != 0) continue;
    if (want_id)
      tr->clean_id = (long)i;
    else
      tr->clean = (long)i;
  }
  free(hits);
  return e;
}

static int xing_cmp(const void *a, const void *b) {
  const demo_xing *x = a, *y = b;
  if (x->time_ms != y->time_ms) return x->time_ms < y->time_ms ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bm_err write_travellers(demo_ctx *c) {
  for (size_t i = 0; i < c->nt; i++) {
    demo_trav *t = &c->t[i];
    store_traveller st;
    store_document sd;
    memset(&st, 0, sizeof st);
    memset(&sd, 0, sizeof sd);
    bm_err e = person_mrz_names(&t->p, st.surname, sizeof st.surname, st.given_names,
                                sizeof st.given_names, c->d);
    if (e != BM_OK) return e;
    date_str(t->p.birth, st.birth_date);
    st.sex[0] = t->p.sex;
    snprintf(st.nationality, sizeof st.nationality, "%s", DEMO_NATS[t->p.nat].code);
    snprintf(sd.doc_type, sizeof sd.doc_type, "%s", t->doc_type);
    snprintf(sd.number, sizeof sd.number, "%s", t->number);
    snprintf(sd.issuing_state, sizeof sd.issuing_state, "%s", DEMO_NATS[t->doc_nat].code);
    date_str(t->expiry, sd.expiry_date);
    if ((e = store_traveller_upsert(c->s, &st, &sd, NULL, c->d)) != BM_OK) return e;
    t->id = st.id;
    t->doc_id = sd.id;
  }
  c->rep->travellers = c->nt;
  return BM_OK;
}

static bm_err write_crossings(demo_ctx *c) {
  qsort(c->x, c->nx, sizeof *c->x, xing_cmp);
  store_crossing *batch = calloc(STORE_CROSSINGS_PER_CALL_MAX, sizeof *batch);
  if (batch == NULL) return nomem(c);
  bm_err e = BM_OK;
  for (size_t off = 0; off < c->nx && e == BM_OK; off += STORE_CROSSINGS_PER_CALL_MAX) {
    size_t n =
        c->nx - off < STORE_CROSSINGS_PER_CALL_MAX ? c->nx - off : STORE_CROSSINGS_PER_CALL_MAX;
    for (size_t i = 0; i < n; i++) {
      const demo_xing *x = &c->x[off + i];
      store_crossing *sc = &batch[i];
      memset(sc, 0, sizeof *sc);
      sc->traveller_id = c->t[x->trav].id;
      sc->document_id = c->t[x->trav].doc_id;
      sc->bcp_id = c->bcp_ids[x->bcp];
      sc->officer_id = c->officer_ids[x->officer];
      snprintf(sc->direction, sizeof sc->direction, "%s", x->exit ? "exit" : "entry");
      sc->time_ms = x->time_ms;
      snprintf(sc->decision, sizeof sc->decision, "%s",
               x->decision == DEC_REFUSED    ? "refused"
               : x->decision == DEC_REFERRED ? "referred"
                                             : "admitted");
      for (size_t k = 0; x->codes[k] && k < STORE_REFUSALS_MAX; k++) {
        sc->refusal_codes[k][0] = x->codes[k];
        sc->nrefusal_codes++;
      }
      snprintf(sc->remarks, sizeof sc->remarks, "%s", x->remark);
      sc->created_ms = x->time_ms + 1000 * (int64_t)(1 + (x->seq % 90));
      c->rep->crossings++;
      if (x->decision == DEC_REFUSED)
        c->rep->refused++;
      else if (x->decision == DEC_REFERRED)
        c->rep->referred++;
      else
        c->rep->admitted++;
    }
    if ((e = store_crossing_add_many(c->s, batch, n, c->d)) != BM_OK) break;
    /* Second-line referrals of this batch's referred crossings. */
    for (size_t i = 0; i < n && e == BM_OK; i++) {
      const demo_xing *x = &c->x[off + i];
      if (x->referral == REF_NONE) continue;
      store_referral r;
      memset(&r, 0, sizeof r);
      r.crossing_id = batch[i].id;
      r.traveller_id = batch[i].traveller_id;
      r.bcp_id = batch[i].bcp_id;
      r.opened_by = batch[i].officer_id;
      r.opened_ms = x->time_ms;
      snprintf(r.reason, sizeof r.reason, "%s", x->remark);
      if ((e = store_referral_open(c->s, &r, c->d)) != BM_OK) break;
      if (x->referral == REF_OPEN) {
        c->rep->referrals_open++;
        continue;
      }
      int ok = x->referral == REF_ADMITTED;
      e = store_referral_resolve(
          c->s, r.id, c->supervisor_id, x->time_ms + 60000 * (int64_t)(15 + x->seq % 90),
          ok ? "admitted" : "refused",
          ok ? "interview satisfactory; admitted" : "purpose of stay not established; refused (E)",
          c->d);
      c->rep->referrals_resolved++;
    }
  }
  free(batch);
  return e;
}

static bm_err make_try(demo_ctx *c, long ti, const char *label, const char *expect,
                       const char *list, const char *entry) {
  if (ti < 0 || c->rep->ntries >= APP_DEMO_TRIES_MAX) return BM_OK;
  const demo_trav *t = &c->t[ti];
  app_demo_try *y = &c->rep->tries[c->rep->ntries];
  memset(y, 0, sizeof *y);
  snprintf(y->label, sizeof y->label, "%s", label);
  snprintf(y->expect, sizeof y->expect, "%s", expect);
  snprintf(y->list, sizeof y->list, "%s", list ? list : "");
  snprintf(y->entry_id, sizeof y->entry_id, "%s", entry ? entry : "");
  size_t ndocs = 0;
  bm_err e = store_traveller_get(c->s, t->id, &y->traveller, &y->document, 1, &ndocs, c->d);
  if (e != BM_OK) return e;
  y->traveller_id = t->id;
  char birth[STORE_DATE_BYTES_MAX], expiry[STORE_DATE_BYTES_MAX];
  date_str(t->p.birth, birth);
  date_str(t->expiry, expiry);
  mrz_fields f;
  memset(&f, 0, sizeof f);
  int td1 = strcmp(t->doc_type, "ID") == 0;
  f.format = td1 ? MRZ_FORMAT_TD1 : MRZ_FORMAT_TD3;
  f.document_code = td1 ? "ID" : "P";
  f.issuing_state = DEMO_NATS[t->doc_nat].code;
  f.surname = y->traveller.surname;
  f.given_names = y->traveller.given_names;
  f.document_number = t->number;
  f.nationality = DEMO_NATS[t->p.nat].code;
  f.birth_date = birth;
  f.sex = y->traveller.sex;
  f.expiry_date = expiry;
  mrz_lines ml;
  if ((e = mrz_make(&f, &ml, c->d)) != BM_OK) return e;
  y->format = f.format;
  size_t off = 0;
  for (unsigned i = 0; i < ml.nlines; i++)
    off += (size_t)snprintf(y->mrz + off, sizeof y->mrz - off, "%s%s", i ? "\n" : "", ml.line[i]);
  c->rep->ntries++;
  return BM_OK;
}

void app_demo_opts_default(app_demo_opts *o) {
  memset(o, 0, sizeof *o);
  o->seed = APP_DEMO_SEED_DEFAULT;
  o->days = APP_DEMO_DAYS_DEFAULT;
  o->travellers = APP_DEMO_TRAVELLERS_DEFAULT;
}

static bm_err demo_run(demo_ctx *c) {
  demo_screen sc;
  memset(&sc, 0, sizeof sc);
  bm_err e;
  unsigned travellers = c->o->travellers ? c->o->travellers : APP_DEMO_TRAVELLERS_DEFAULT;

  c->alerts = calloc(APP_DEMO_NATIONAL_ENTRIES, sizeof *c->alerts);
  c->sltd = calloc(APP_DEMO_SLTD_ENTRIES, sizeof *c->sltd);
  c->alert_used = calloc(APP_DEMO_NATIONAL_ENTRIES, 1);
  c->sltd_used = calloc(APP_DEMO_SLTD_ENTRIES, 1);
  if (!c->alerts || !c->sltd || !c->alert_used || !c->sltd_used) return nomem(c);
  /* The lists' people are born relative to a fixed day, so the lists are the same every run. */
  bm_date list_today = {2026, 1, 1};
  gen_alerts(c->alerts, APP_DEMO_NATIONAL_ENTRIES, list_today);
  gen_sltd(c->sltd, APP_DEMO_SLTD_ENTRIES);

  if ((e = add_bcps(c)) != BM_OK || (e = add_users(c)) != BM_OK ||
      (e = setup_lists(c, &sc)) != BM_OK)
    goto done;

  /* Ordinary travellers first (the clean try documents are picked among them). */
  for (unsigned i = 0; i < travellers; i++) {
    demo_person p;
    random_person(&c->r, &p, pick_nat(&c->r, 0), c->end);
    int id_card =
        (DEMO_NATS[p.nat].flags & NAT_IDCARD) && rng_pct(&c->r, p.nat == NAT_UTO ? 40 : 25);
    long ti = add_trav(c, &p, id_card);
    if (ti < 0) {
      e = nomem(c);
      goto done;
    }
    if ((e = gen_ordinary(c, (size_t)ti)) != BM_OK) goto done;
  }
  size_t nordinary = c->nt;
  demo_tries tr;
  memset(&tr, 0, sizeof tr);
  if ((e = gen_scenarios(c, &sc, &tr)) != BM_OK ||
      (e = pick_clean(c, &sc, nordinary, &tr)) != BM_OK)
    goto done;
  if ((e = write_travellers(c)) != BM_OK || (e = write_crossings(c)) != BM_OK) goto done;

  char expect[APP_DEMO_TEXT_BYTES_MAX];
  if ((e = make_try(c, tr.clean, "clean", "no watchlist hit; an ordinary earlier visit", NULL,
                    NULL)) != BM_OK ||
      (e = make_try(c, tr.clean_id, "clean-id-card",
                    "a citizen of Utopia with a TD1 identity card; no watchlist hit", NULL,
                    NULL)) != BM_OK)
    goto done;
  if (tr.alert >= 0) {
    const demo_alert *a = &c->alerts[tr.alert_entry];
    snprintf(expect, sizeof expect, "national alert list hit on name and birth date: %s (%s)",
             a->id, a->category);
    if ((e = make_try(c, tr.alert, "national-alert", expect, "national", a->id)) != BM_OK)
      goto done;
  }
  if (tr.sltd >= 0) {
    const demo_sltd *s = &c->sltd[tr.sltd_entry];
    snprintf(expect, sizeof expect, "document hit on the lost/stolen list: %s (%s)", s->id,
             s->category);
    if ((e = make_try(c, tr.sltd, "lost-stolen-document", expect, "sltd", s->id)) != BM_OK)
      goto done;
  }
  if ((e = make_try(c, tr.overstay, "overstayer",
                    "in the country for 120 days: more than 90 days in 180 (overstay)", NULL,
                    NULL)) != BM_OK ||
      (e = make_try(c, tr.refused, "refused-before",
                    "refused entry 20 days ago (Annex V codes C and E); visa required", NULL,
                    NULL)) != BM_OK)
    goto done;

done:
  wl_scratch_free(sc.scratch);
  wl_index_free(sc.index);
  for (size_t i = 0; i < sc.nlists; i++) wl_list_free(sc.lists[i]);
  return e;
}

bm_err app_demo_create(store *s, const app_demo_opts *o, app_demo_report *rep, bm_diag *diag) {
  if (s == NULL || o == NULL || rep == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "no store, options or report");
  if (o->data_dir == NULL || o->list_dir == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, o->data_dir ? "list_dir" : "data_dir", 0, 0,
                       "the demo needs a data folder and a list folder");
  unsigned days = o->days ? o->days : APP_DEMO_DAYS_DEFAULT;
  if (days > APP_DEMO_DAYS_MAX)
    return bm_diag_set(diag, BM_ERR_INVALID, "days", 0, 0, "at most %u days of traffic",
                       APP_DEMO_DAYS_MAX);
  if (o->travellers > APP_DEMO_TRAVELLERS_MAX)
    return bm_diag_set(diag, BM_ERR_INVALID, "travellers", 0, 0, "at most %u travellers",
                       APP_DEMO_TRAVELLERS_MAX);
  bm_date end = o->end_date.year ? o->end_date : bm_date_today_utc();
  if (end.year < 2000 || end.year > 2200 || end.month < 1 || end.month > 12 || end.day < 1 ||
      end.day > bm_days_in_month(end.year, end.month))
    return bm_diag_set(diag, BM_ERR_INVALID, "end_date", 0, 0,
                       "the end date must be a valid date in 2000..2200");
  if (sodium_init() < 0) return bm_diag_set(diag, BM_ERR_IO, NULL, 0, 0, "libsodium init failed");
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  memset(rep, 0, sizeof *rep);

  demo_ctx c;
  memset(&c, 0, sizeof c);
  c.s = s;
  c.o = o;
  c.rep = rep;
  c.d = diag;
  c.r.s = o->seed ? o->seed : APP_DEMO_SEED_DEFAULT;
  c.end = end;
  c.last_day = bm_date_to_days(end);
  c.first_day = c.last_day - (long)days + 1;
  rep->first_day = bm_date_from_days(c.first_day);
  rep->last_day = end;

  bm_err e = demo_run(&c);
  free(c.t);
  free(c.x);
  free(c.alerts);
  free(c.sltd);
  free(c.alert_used);
  free(c.sltd_used);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  rep->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  return e;
}
