#include "generate/vocabulary.h"

namespace sparkify::generate::vocab {

namespace {

using namespace std::string_view_literals;

constexpr std::string_view kFemale[] = {
    "Kaylee", "Lily", "Chloe", "Jacqueline", "Tegan", "Cienna", "Layla", "Sara", "Jayden",
    "Rylan", "Aleena", "Morgan", "Kate", "Ava", "Emily", "Madison", "Olivia", "Abigail", "Sophia",
    "Isabella", "Hannah", "Natalie", "Grace", "Brooklyn", "Savannah", "Zoe", "Claire", "Stella",
    "Maya", "Ruby", "Alyssa", "Paige", "Leah", "Audrey", "Quinn", "Skye", "Naomi", "Piper",
    "Elena", "Mia", "Harper", "Amelia", "Evelyn", "Aubrey", "Lucy", "Violet", "Nora", "Hazel",
    "Riley", "Kinsley", "Peyton", "Serenity", "Ariana", "Molly", "Jordyn", "Faith", "Delaney",
};
constexpr std::string_view kMale[] = {
    "Walter", "Ryan", "Jacob", "Mohammad", "Theodore", "Matthew", "Wyatt", "Kevin", "Lucas",
    "Noah", "Liam", "Mason", "Ethan", "Logan", "Elijah", "Aiden", "Jackson", "Caleb", "Dylan",
    "Luke", "Gabriel", "Anthony", "Isaac", "Owen", "Carter", "Julian", "Levi", "Isaiah", "Hunter",
    "Connor", "Eli", "Landon", "Adrian", "Jonathan", "Nolan", "Jeremiah", "Easton", "Colton",
    "Cameron", "Brayden", "Evan", "Austin", "Jace", "Dominic", "Parker", "Tucker", "Sawyer",
    "Silas", "Miles", "Wesley", "Emmanuel", "Jesus", "Spencer", "Micah", "Rowan", "Bryson",
};
constexpr std::string_view kLast[] = {
    "Frye", "Summers", "Koch", "Kirby", "Levine", "Smith", "Cruz", "Rodriguez", "Moore", "Lee",
    "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Wilson", "Anderson",
    "Taylor", "Thomas", "Hernandez", "Martin", "Jackson", "Thompson", "White", "Lopez", "Harris",
    "Clark", "Lewis", "Robinson", "Walker", "Perez", "Hall", "Young", "Allen", "Sanchez",
    "Wright", "King", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Ramirez", "Campbell",
    "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker", "Collins",
    "Edwards", "Stewart", "Flores", "Morris", "Nguyen", "Murphy", "Rivera", "Cook", "Rogers",
    "Morgan", "Peterson", "Cooper", "Reed", "Bailey", "Bell", "Gomez", "Kelly", "Howard", "Ward",
    "Cox", "Diaz", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "James", "Reyes",
    "Hughes", "Price", "Myers", "Long", "Foster", "Sanders", "Ross", "Morales", "Powell",
    "Sullivan", "Russell", "Ortiz", "Jenkins", "Gutierrez", "Perry", "Butler", "Barnes", "Fisher",
    "Henderson", "Coleman", "Simmons", "Patterson", "Jordan", "Reynolds", "Hamilton", "Graham",
    "Velasquez", "O'Brien", "McCarthy", "De La Cruz", "Navarro", "Hodges", "Gonzalez",
};
constexpr std::string_view kMetro[] = {
    "San Francisco-Oakland-Hayward, CA", "Phoenix-Mesa-Scottsdale, AZ",
    "Chicago-Naperville-Elgin, IL-IN-WI", "New York-Newark-Jersey City, NY-NJ-PA",
    "Los Angeles-Long Beach-Anaheim, CA", "Atlanta-Sandy Springs-Roswell, GA",
    "Dallas-Fort Worth-Arlington, TX", "Houston-The Woodlands-Sugar Land, TX",
    "Washington-Arlington-Alexandria, DC-VA-MD-WV", "Miami-Fort Lauderdale-West Palm Beach, FL",
    "Philadelphia-Camden-Wilmington, PA-NJ-DE-MD", "Seattle-Tacoma-Bellevue, WA",
    "Detroit-Warren-Dearborn, MI", "Minneapolis-St. Paul-Bloomington, MN-WI",
    "San Diego-Carlsbad, CA", "Tampa-St. Petersburg-Clearwater, FL", "St. Louis, MO-IL",
    "Portland-Vancouver-Hillsboro, OR-WA", "San Antonio-New Braunfels, TX",
    "Sacramento--Roseville--Arden-Arcade, CA", "San Jose-Sunnyvale-Santa Clara, CA",
    "Indianapolis-Carmel-Anderson, IN", "Nashville-Davidson--Murfreesboro--Franklin, TN",
    "Milwaukee-Waukesha-West Allis, WI", "Salt Lake City, UT", "Raleigh, NC", "Richmond, VA",
    "New Orleans-Metairie, LA", "Birmingham-Hoover, AL", "Oxnard-Thousand Oaks-Ventura, CA",
    "Winston-Salem, NC", "Harrisburg-Carlisle, PA", "Columbia, SC", "Lansing-East Lansing, MI",
    "Cedar Rapids, IA", "Eugene, OR", "Santa Rosa, CA", "Salinas, CA", "Lubbock, TX",
    "Las Cruces, NM", "Pensacola-Ferry Pass-Brent, FL", "Youngstown-Warren-Boardman, OH-PA",
    "Myrtle Beach-Conway-North Myrtle Beach, SC-NC", "Augusta-Richmond County, GA-SC",
    "Ogden-Clearfield, UT", "Portland-South Portland, ME", "New Haven-Milford, CT",
    "Waterloo-Cedar Falls, IA", "La Crosse-Onalaska, WI-MN", "Janesville-Beloit, WI",
    "Elkhart-Goshen, IN", "Saginaw, MI", "Lake Havasu City-Kingman, AZ", "Klamath Falls, OR",
    "Red Bluff, CA", "Yuba City, CA", "Eureka-Arcata-Fortuna, CA", "Marinette, WI-MI",
    "Parkersburg-Vienna, WV", "Palestine, TX", "Plymouth, IN", "London, KY", "Longview, TX",
    "Boston-Cambridge-Newton, MA-NH", "Denver-Aurora-Lakewood, CO", "Austin-Round Rock, TX",
    "Kansas City, MO-KS", "Columbus, OH", "Orlando-Kissimmee-Sanford, FL", "Tucson, AZ",
    "Albuquerque, NM", "Boise City, ID", "Anchorage, AK", "Urban Honolulu, HI",
};
constexpr std::string_view kAgents[] = {
    R"("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36")",
    R"("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36")",
    R"("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/35.0.1916.153 Safari/537.36")",
    R"("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.78.2 (KHTML, like Gecko) Version/7.0.6 Safari/537.78.2")",
    R"("Mozilla/5.0 (Windows NT 6.3; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.125 Safari/537.36")",
    R"("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/36.0.1985.125 Chrome/36.0.1985.125 Safari/537.36")",
    R"("Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53")",
    R"("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_2) AppleWebKit/537.75.14 (KHTML, like Gecko) Version/7.0.3 Safari/537.75.14")",
    R"("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/37.0.2062.103 Safari/537.36")",
    R"("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36")",
    R"("Mozilla/5.0 (Windows NT 5.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36")",
    R"("Mozilla/5.0 (iPad; CPU OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53")",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:31.0) Gecko/20100101 Firefox/31.0",
    "Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; WOW64; Trident/6.0)",
    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)",
};
constexpr Place kPlaces[] = {
    {"Nashville, TN.", 36.16778, -86.77836},    {"London, England", 51.50632, -0.12714},
    {"California - SF", 37.77916, -122.42005},  {"California - LA", 34.05349, -118.24532},
    {"Memphis, TN", 35.14968, -90.04892},        {"New York, NY", 40.71455, -74.00712},
    {"New York, NY [Manhattan]", 40.79086, -73.96644},
    {"New York, NY [Spanish Harlem]", 40.79195, -73.94512},
    {"Chicago, IL", 41.88415, -87.63241},        {"Chicago", 41.88415, -87.63241},
    {"Toronto, Ontario, Canada", 43.64856, -79.38533},
    {"Burlington, Ontario, Canada", 43.32509, -79.79997},
    {"Houston, TX", 29.76045, -95.36978},        {"Fort Worth, TX", 32.74863, -97.32925},
    {"Beaumont, TX", 30.08615, -94.10158},       {"Orlando, FL", 28.53823, -81.37739},
    {"Gainesville, FL", 29.65163, -82.32483},    {"Queens, NY", 40.7038, -73.83168},
    {"Newark, NJ", 40.73197, -74.17418},         {"Morris Plains, NJ", 40.82624, -74.47995},
    {"Seattle, Washington USA", 47.60356, -122.32944},
    {"Washington", 38.8991, -77.029},            {"Georgia", 32.67828, -83.22295},
    {"Ohio", 40.19033, -82.66919},               {"Utah", 39.49974, -111.54732},
    {"Pennsylvania", 40.99471, -77.60454},       {"North Carolina", 35.21962, -80.01955},
    {"United States", 37.16793, -95.84502},      {"Denmark", 56.27609, 9.51695},
    {"Panama", 8.4177, -80.11278},               {"Zagreb Croatia", 45.80726, 15.9676},
    {"Dubai UAE", 25.26941, 55.30867},           {"Noci (BA)", 40.79256, 17.12627},
    {"Hamtramck, MI", 42.39282, -83.04964},      {"Beverly Hills, CA", 34.07356, -118.40028},
    {"Mineola, AR", 34.31109, -94.02978},        {"Wisner, LA", 31.9791, -91.65432},
    {"Nevada, MO", 37.83721, -94.35447},         {"Hamilton, Ohio", 39.39978, -84.56134},
    {"Paris, France", 48.85692, 2.34121},        {"Berlin, Germany", 52.51607, 13.37698},
    {"Stockholm, Sweden", 59.33217, 18.06243},   {"Reykjavík, Iceland", 64.13548, -21.89541},
    {"São Paulo, Brazil", -23.56287, -46.65467}, {"México, D.F.", 19.43261, -99.13321},
    {"Kingston, Jamaica", 17.99702, -76.79358},  {"Dublin, Ireland", 53.34376, -6.24953},
    {"Manchester, England", 53.47907, -2.24493}, {"Glasgow, Scotland", 55.85718, -4.24395},
    {"Sydney, Australia", -33.86963, 151.20695}, {"Tokyo, Japan", 35.68536, 139.7531},
    {"Montréal, Québec, Canada", 45.51228, -73.55439},
    {"Detroit, MI", 42.33168, -83.04792},        {"Atlanta, GA", 33.74831, -84.39111},
    {"Los Angeles, CA", 34.05349, -118.24532},   {"Austin, TX", 30.26759, -97.74299},
    {"Minneapolis, MN", 44.97903, -93.26493},    {"Brooklyn, NY", 40.65507, -73.94888},
    {"Bronx, New York City, NY", 40.82624, -73.91891},
    {"Compton, CA", 33.89557, -118.22002},       {"Athens, GA", 33.95997, -83.37716},
    {"Bristol, England", 51.45369, -2.59151},    {"Liverpool, England", 53.41058, -2.97794},
    {"Oslo, Norway", 59.91228, 10.74998},        {"Helsinki, Finland", 60.17116, 24.93258},
    {"Kraków, Poland", 50.06045, 19.93242},      {"Bogotá, Colombia", 4.59805, -74.07599},
    {"Lagos, Nigeria", 6.45306, 3.39583},        {"Havana, Cuba", 23.1168, -82.38859},
};
constexpr std::string_view kTitleWords[] = {
    "Love", "Heart", "Night", "Day", "Dream", "Fire", "Rain", "Sun", "Moon", "Star", "Blue",
    "Red", "Black", "Gold", "Silver", "River", "Road", "Home", "Train", "Time", "Summer",
    "Winter", "Baby", "Girl", "Boy", "Man", "Woman", "City", "Street", "Dance", "Song", "Soul",
    "Rock", "Roll", "Blues", "Tonight", "Forever", "Never", "Again", "Away", "Down", "Up",
    "Gone", "Lonely", "Crazy", "Sweet", "Wild", "Free", "Lost", "Found", "Broken", "Angel",
    "Devil", "Heaven", "Hell", "Paradise", "Highway", "Ocean", "Sky", "Wind", "Thunder",
    "Lightning", "Shadow", "Light", "Dark", "Dawn", "Midnight", "Morning", "Evening", "Memory",
    "Story", "Letter", "Kiss", "Tears", "Smile", "Goodbye", "Hello", "Yesterday", "Tomorrow",
    "Rhythm", "Groove", "Funk", "Jazz", "Boogie", "Shake", "Move", "Run", "Fly", "Fall", "Rise",
    "Burn", "Shine", "Cry", "Hold", "Touch", "Feel", "Believe", "Remember", "Wonder", "Magic",
    "Mystery", "Secret", "Promise", "Lies", "Truth", "Ghost", "Machine", "Radio", "Television",
    "Electric", "Velvet", "Diamond", "Crystal", "Stone", "Glass", "Paper", "Cherry", "Honey",
    "Sugar", "Whiskey", "Wine", "Coffee", "Cigarette", "Motel", "Hotel", "Garden", "Desert",
    "Island", "Mountain", "Valley", "Canyon", "Bridge", "Tower", "Castle", "Kingdom", "Empire",
    "Revolution", "Freedom", "Justice", "War", "Peace", "Hope", "Fear", "Pain", "Joy", "Glory",
    "Ten", "Tonne", "Loaded", "Like", "A", "Gun", "The", "Of", "In", "My", "Your", "On", "And",
    "To", "With", "Without", "For", "All", "No", "One", "Two", "Me", "You", "We", "Don't",
    "Can't", "I'm", "It's", "Let's", "Gotta", "Wanna", "Rumba", "Mambo", "Samba", "Tango",
};
constexpr std::string_view kAccented[] = {
    "Café", "Corazón", "Mañana", "Noël", "Für", "Déjà", "Señorita", "Über", "Niño", "Canción",
    "¿Dónde", "Ça", "Fiancée", "Piñata", "Garçon", "Smörgåsbord", "Łódź", "Dvořák", "Santafè",
    "lalaleulé", "Música", "Amor Perdón", "Pájaro", "Élan", "Naïve", "Crème", "Brûlée", "Köln",
    "Zürich", "Ελλάδα", "Москва", "東京", "Cœur", "Straße", "Ångström", "Vals Triste ♥",
};
constexpr std::string_view kBandWords[] = {
    "Kings", "Queens", "Brothers", "Sisters", "Boys", "Girls", "Band", "Orchestra", "Trio",
    "Quartet", "Project", "Collective", "Experience", "Machine", "Riders", "Rebels", "Saints",
    "Sinners", "Wolves", "Tigers", "Ravens", "Crows", "Stones", "Pistols", "Rockets", "Comets",
    "Satellites", "Ghosts", "Shadows", "Monkeys", "Hearts", "Lovers", "Strangers", "Drifters",
    "Ramblers", "Outlaws", "Cowboys", "Pilots", "Sailors", "Soldiers", "Prophets", "Preachers",
    "Mekanik", "Grit", "Rockers", "Manolos", "Rodeo", "Maestra", "Escape Plan", "Tones",
    "Soul Brothers", "All Stars", "Allstars", "Experiment", "Syndicate", "Company",
};
constexpr std::string_view kArtistFirst[] = {
    "Adam", "Alice", "Andy", "Billie Jo", "Bob", "Chase", "Danilo", "Eddie", "Faye", "Gwen",
    "Jeff", "Jimmy", "John", "Kenny", "Lionel", "Lupe", "Marc", "Mitch", "Nick", "Richard",
    "Steve", "Sue", "Terry", "Tim", "Tom", "Wayne", "Willie", "Line", "Montserrat", "Plácido",
    "José", "François", "Björn", "Zoë", "Jürgen", "Sinéad", "Beyoncé", "Ñico", "Søren", "Renée",
    "Antônio", "Chloé", "Maurice", "Ella", "Nina", "Otis", "Aretha", "Ray", "Miles", "Louis",
    "Dolly", "Hank", "Patsy", "Buddy", "Elvis", "Johnny", "June", "Loretta", "Merle", "Waylon",
    "DJ", "MC", "Lil'", "Big", "Young", "Sister", "Brother", "Uncle", "Doctor", "King",
};
constexpr std::string_view kSuffixes[] = {
    " (Album Version)", " (Live)", " (Remix)", " (LP Version)", " (Radio Edit)", " - Live",
    " (Acoustic)", " [Explicit]", " (Demo)", " (Remastered)", " (Extended Mix)", " (Album)",
    " (Instrumental)", " (Original Mix)", " (Single Version)", " (feat. Guest)",
};

}  // namespace

std::span<const std::string_view> female_first_names() { return kFemale; }
std::span<const std::string_view> male_first_names() { return kMale; }
std::span<const std::string_view> last_names() { return kLast; }
std::span<const std::string_view> metro_areas() { return kMetro; }
std::span<const std::string_view> user_agents() { return kAgents; }
std::span<const Place> places() { return kPlaces; }
std::span<const std::string_view> title_words() { return kTitleWords; }
std::span<const std::string_view> accented_words() { return kAccented; }
std::span<const std::string_view> band_words() { return kBandWords; }
std::span<const std::string_view> artist_first_names() { return kArtistFirst; }
std::span<const std::string_view> title_suffixes() { return kSuffixes; }

}  // namespace sparkify::generate::vocab
