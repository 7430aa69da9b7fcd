"""Built-in name, street and employer lists for the synthetic county.

All names are common names of their language; no list is taken from a real register. First names
are grouped by sex and, for German names, by generation (a 60-year-old is rarely called "Finn").
Nationality groups follow the profile's mix of foreigners (UA, SY, AF, PL, RO, other).
"""

from __future__ import annotations

VORNAMEN_DE_ALT = {
    "w": ["Sabine", "Petra", "Andrea", "Claudia", "Susanne", "Birgit", "Kerstin", "Heike", "Anja", "Katrin",
          "Simone", "Manuela", "Silke", "Ramona", "Yvonne", "Sandra", "Nicole", "Daniela", "Ines", "Jana",
          "Marion", "Gabriele", "Doreen", "Cornelia", "Ute", "Monika", "Karin", "Grit", "Antje", "Steffi"],
    "m": ["Thomas", "Andreas", "Michael", "Frank", "Jörg", "Uwe", "Steffen", "Ralf", "Jens", "Torsten",
          "Mario", "Sven", "René", "Dirk", "Matthias", "Holger", "Lutz", "Heiko", "Enrico", "Ronny",
          "Olaf", "Detlef", "Bernd", "Peter", "Jürgen", "Mike", "Marco", "Maik", "Carsten", "Rico"],
}
VORNAMEN_DE_JUNG = {
    "w": ["Lisa", "Laura", "Julia", "Anna", "Lea", "Sarah", "Michelle", "Jessica", "Vanessa", "Jasmin",
          "Mia", "Emma", "Hannah", "Sophie", "Lena", "Emily", "Marie", "Lina", "Leonie", "Charlotte",
          "Franziska", "Stefanie", "Christin", "Nadine", "Melanie", "Katharina", "Janine", "Tina", "Maria", "Johanna"],
    "m": ["Kevin", "Dennis", "Tobias", "Patrick", "Christian", "Daniel", "Sebastian", "Florian", "Philipp", "Marcel",
          "Leon", "Finn", "Paul", "Jonas", "Luca", "Ben", "Elias", "Noah", "Felix", "Max",
          "Tim", "Niklas", "Lukas", "Justin", "Pascal", "Robert", "Martin", "Stefan", "Tom", "Erik"],
}
NACHNAMEN_DE = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
    "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
    "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert",
    "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz",
    "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin",
    "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich",
    "Brandt", "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl",
    "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer",
    "Hesse", "Thiele", "Ebert", "Kunze", "Petzold", "Seifert", "Lindner", "Heinze", "Rudolph", "Kretschmer",
]

VORNAMEN = {
    "PL": {"w": ["Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna", "Monika", "Ewa", "Małgorzata"],
           "m": ["Piotr", "Krzysztof", "Tomasz", "Paweł", "Marcin", "Michał", "Łukasz", "Grzegorz"]},
    "UA": {"w": ["Olena", "Oksana", "Tetiana", "Iryna", "Nataliia", "Yuliia", "Svitlana", "Kateryna", "Anastasiia",
                 "Viktoriia", "Mariia", "Halyna"],
           "m": ["Oleksandr", "Andrii", "Serhii", "Dmytro", "Volodymyr", "Mykola", "Yurii", "Vasyl", "Maksym",
                 "Bohdan"]},
    "AR": {"w": ["Fatima", "Aisha", "Amira", "Rania", "Hiba", "Noor", "Lina", "Yasmin", "Mariam", "Rasha"],
           "m": ["Mohammad", "Ahmad", "Ali", "Omar", "Khaled", "Hussein", "Mahmoud", "Yousef", "Hassan", "Ibrahim"]},
    "AF": {"w": ["Zahra", "Fatima", "Maryam", "Sakina", "Parwana", "Roya", "Shabnam", "Farzana"],
           "m": ["Mohammad", "Ahmad", "Ali", "Hamid", "Mustafa", "Reza", "Sayed", "Javid"]},
    "TR": {"w": ["Ayşe", "Fatma", "Emine", "Elif", "Zeynep", "Hatice", "Merve", "Esra"],
           "m": ["Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "Emre", "Murat"]},
    "RO": {"w": ["Maria", "Elena", "Ioana", "Andreea", "Mihaela", "Ana", "Cristina", "Gabriela"],
           "m": ["Ion", "Gheorghe", "Constantin", "Alexandru", "Andrei", "Mihai", "Florin", "Adrian"]},
    "RU": {"w": ["Olga", "Tatjana", "Svetlana", "Natalja", "Irina", "Jelena"],
           "m": ["Sergej", "Alexander", "Dmitrij", "Andrej", "Vladimir", "Nikolai"]},
    "XX": {"w": ["Sara", "Amina", "Hawa", "Lan", "Nadia", "Mirela", "Dragana", "Leyla"],
           "m": ["Dawit", "Abdi", "Nguyen", "Arben", "Milan", "Samir", "Bilal", "Goran"]},
}
NACHNAMEN = {
    "PL": ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
           "Szymański", "Woźniak"],
    "UA": ["Melnyk", "Shevchenko", "Boiko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Oliinyk",
           "Shevchuk", "Koval", "Polishchuk", "Lysenko", "Marchenko", "Rudenko", "Savchenko", "Moroz"],
    "AR": ["Al-Ahmad", "Hamoud", "Khalil", "Haddad", "Mansour", "Ibrahim", "Hassan", "Darwish", "Saleh",
           "Al-Hussein", "Othman", "Kassem", "Youssef", "Nasser"],
    "AF": ["Ahmadi", "Rahimi", "Hashimi", "Karimi", "Mohammadi", "Hussaini", "Sultani", "Noori", "Azizi", "Amiri"],
    "TR": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir"],
    "RO": ["Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei"],
    "RU": ["Ivanov", "Smirnov", "Kuznetsov", "Popov", "Wassiljew", "Petrow", "Sokolow", "Lebedew"],
    "XX": ["Tesfaye", "Mohamed", "Nguyen", "Berisha", "Petrović", "Hodžić", "Jovanović", "Abdullahi"],
}
# Which name group a nationality uses (ISO 3166 alpha-2 -> key of VORNAMEN/NACHNAMEN).
NAMENSGRUPPE = {
    "PL": "PL", "UA": "UA", "SY": "AR", "IQ": "AR", "AF": "AF", "IR": "AF", "TR": "TR", "RO": "RO", "MD": "RO",
    "RU": "RU", "BG": "XX", "ER": "XX", "SO": "XX", "VN": "XX", "XK": "XX", "RS": "XX",
}
# Nationalities behind the profile's "other" share of foreigners, with weights.
WEITERE_STAATSANGEHOERIGKEITEN = {
    "TR": 0.18, "IQ": 0.14, "RU": 0.12, "BG": 0.10, "ER": 0.08, "VN": 0.08, "IR": 0.08,
    "SO": 0.06, "XK": 0.06, "MD": 0.05, "RS": 0.05,
}

# PLZ, place name and some streets per municipality (profile id). Streets are plausible, generic
# names; a few well-known streets of the towns are included. Every municipality also draws from
# STRASSEN_ALLGEMEIN.
GEMEINDEN = {
    "bad_duerrenberg": ("06231", "Bad Dürrenberg", ["Merseburger Straße", "Leipziger Straße", "Gradierwerkstraße",
                                                     "Kurpark", "Friedrich-Ebert-Straße"]),
    "bad_lauchstaedt": ("06246", "Bad Lauchstädt", ["Goethestraße", "Merseburger Straße", "Parkstraße",
                                                     "Querfurter Straße"]),
    "braunsbedra": ("06242", "Braunsbedra", ["Hauptstraße", "Geiseltalstraße", "Kreypauer Straße",
                                             "Frankleber Straße", "Am Geiseltalsee"]),
    "kabelsketal": ("06184", "Kabelsketal", ["Dieskauer Straße", "Hallesche Straße", "Gröberser Straße"]),
    "landsberg": ("06188", "Landsberg", ["Hallesche Straße", "Köthener Straße", "Bahnhofstraße", "Markt"]),
    "leuna": ("06237", "Leuna", ["Rathausstraße", "Spergauer Straße", "Kröllwitzer Straße", "Hauptstraße",
                                 "Rudolf-Breitscheid-Straße", "Göhlitzscher Straße"]),
    "merseburg": ("06217", "Merseburg", ["Geusaer Straße", "König-Heinrich-Straße", "Gotthardstraße",
                                         "Weiße Mauer", "Thomas-Müntzer-Straße", "Clobigkauer Straße",
                                         "Hallesche Straße", "Ernst-Abbe-Straße", "Albrecht-Dürer-Straße",
                                         "Lauchstädter Straße", "Straße des Friedens", "Unteraltenburg",
                                         "Oberaltenburg", "Wilhelm-Liebknecht-Straße", "Klosterstraße"]),
    "muecheln": ("06249", "Mücheln (Geiseltal)", ["Freyburger Straße", "Markt", "Geiseltalstraße",
                                                  "St. Micheler Straße"]),
    "petersberg": ("06193", "Petersberg", ["Hallesche Straße", "Bergstraße", "Drosselweg"]),
    "querfurt": ("06268", "Querfurt", ["Burgstraße", "Döcklitzer Tor", "Nebraer Straße", "Merseburger Straße",
                                       "Lederberg", "Freiimfelder Straße", "Vitzenburger Straße"]),
    "salzatal": ("06198", "Salzatal", ["Mansfelder Straße", "Eislebener Straße", "Hallesche Straße"]),
    "schkopau": ("06258", "Schkopau", ["Schloßstraße", "Straße der Einheit", "Kollenbeyer Straße"]),
    "teutschenthal": ("06179", "Teutschenthal", ["Eislebener Straße", "Hallesche Straße", "Kirchplatz",
                                                 "Siedlung"]),
    "wettin_loebejuen": ("06193", "Wettin-Löbejün", ["Burgstraße", "Hallesche Straße", "Markt",
                                                     "Löbejüner Straße"]),
    "barnstaedt": ("06268", "Barnstädt", ["Hauptstraße", "Querfurter Straße"]),
    "farnstaedt": ("06279", "Farnstädt", ["Hauptstraße", "Alberstedter Straße"]),
    "nemsdorf_goehrendorf": ("06268", "Nemsdorf-Göhrendorf", ["Hauptstraße", "Am Gutshof"]),
    "obhausen": ("06268", "Obhausen", ["Hauptstraße", "Querfurter Straße"]),
    "schraplau": ("06279", "Schraplau", ["Markt", "Bahnhofstraße", "Röblinger Straße"]),
    "steigra": ("06268", "Steigra", ["Hauptstraße", "Karsdorfer Straße"]),
}
STRASSEN_ALLGEMEIN = [
    "Bahnhofstraße", "Schulstraße", "Lindenstraße", "Gartenstraße", "Am Anger", "Kirchstraße", "Mühlweg",
    "Friedensstraße", "Goethestraße", "Schillerstraße", "Rosa-Luxemburg-Straße", "Karl-Marx-Straße",
    "Ringstraße", "Feldstraße", "Dorfstraße", "Birkenweg", "Ahornweg", "Am Sportplatz", "Wiesenweg",
    "Thälmannstraße", "Siedlungsstraße", "Neue Straße", "Heinrich-Heine-Straße", "Lessingstraße",
]

ARBEITGEBER = [
    "Logistikzentrum Saale GmbH", "Gebäudereinigung Mitteldeutschland GmbH", "Pflegedienst Lebensbaum",
    "Bäckerei Sonnenkorn", "Getränkehandel Geiseltal", "Chemiepark Service Leuna GmbH",
    "Supermarkt am Markt e. K.", "Autohaus Saaletal", "Hausmeisterdienste Krüger", "Gaststätte Zur Linde",
    "Paketzustellung Halle-Süd GmbH", "Seniorenheim Am Park", "Metallbau Querfurt GmbH",
    "Landwirtschaftsbetrieb Weida-Land eG", "Sicherheitsdienst Merseburg GmbH", "Textilpflege Schkopau",
    "Imbiss Bahnhof", "Zeitarbeit Mitteldeutschland GmbH", "Garten- und Landschaftsbau Grünfink",
    "Kita Regenbogen", "Callcenter Halle GmbH", "Lebensmittel-Discount Filiale Merseburg",
]
GEBURTSORTE_DE = ["Merseburg", "Halle (Saale)", "Querfurt", "Leipzig", "Weißenfels", "Naumburg", "Eisleben",
                  "Magdeburg", "Bernburg", "Sangerhausen", "Leuna", "Bad Dürrenberg", "Zeitz", "Dessau"]
GEBURTSORTE = {
    "PL": ["Wrocław", "Poznań", "Kraków"], "UA": ["Kyjiw", "Charkiw", "Odesa", "Dnipro", "Saporischschja"],
    "SY": ["Aleppo", "Damaskus", "Homs", "Idlib"], "AF": ["Kabul", "Herat", "Mazar-e Sharif"],
    "TR": ["Istanbul", "Ankara", "Gaziantep"], "RO": ["Bukarest", "Iași", "Cluj-Napoca"],
    "IQ": ["Bagdad", "Mossul", "Erbil"], "RU": ["Moskau", "Omsk", "Nowosibirsk"],
}

# (BLZ, share): accounts at banks of the region; IBANs are computed with valid check digits.
BANKEN = [("80053762", 0.55), ("80093784", 0.20), ("86010090", 0.15), ("80020086", 0.10)]
