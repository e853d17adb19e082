//! Who we greet: "Madame Diallo" / "Monsieur Petit" only when the writer's name is reliably a
//! person's (a civility they wrote, or a first name whose gender is clear), otherwise nothing and
//! the reply says "Bonjour,". Never an organisation, a handle, an address or text that carries
//! markup or template syntax: names are untrusted input.

use crate::inquiry::{Lang, Message};

/// The name to greet, and where it was found (for the agent's note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Greeting {
    /// "Madame Diallo", "Ms Diallo".
    pub text: String,
    pub source: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Civility {
    Madame,
    Monsieur,
}

/// The greeting name for a message, if one is reliable.
pub fn greeting_name(message: &Message, lang: Lang) -> Option<Greeting> {
    let from = message.from.as_ref().and_then(|a| a.name.as_deref());
    let found = from
        .and_then(person)
        .map(|p| (p, "nom de l'expéditeur"))
        .or_else(|| {
            signature_lines(message)
                .find_map(person)
                .map(|p| (p, "signature"))
        })?;
    let ((civility, surname), source) = found;
    let text = match (lang, civility) {
        (Lang::Fr, Civility::Madame) => format!("Madame {surname}"),
        (Lang::Fr, Civility::Monsieur) => format!("Monsieur {surname}"),
        (Lang::En, Civility::Madame) => format!("Ms {surname}"),
        (Lang::En, Civility::Monsieur) => format!("Mr {surname}"),
    };
    Some(Greeting { text, source })
}

/// The short last lines of the text and the first lines of the signature block.
fn signature_lines(message: &Message) -> impl Iterator<Item = &str> {
    let body_tail: Vec<&str> = message
        .body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .rev()
        .take(3)
        .collect();
    let signature: Vec<&str> = message
        .signature
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
        .collect();
    signature.into_iter().chain(body_tail)
}

/// Words that show a name is an organisation, a role or a place, not a person.
const NOT_A_PERSON: &[&str] = &[
    "club",
    "association",
    "asso",
    "service",
    "services",
    "mairie",
    "ville",
    "ecole",
    "college",
    "lycee",
    "societe",
    "sarl",
    "sas",
    "eurl",
    "team",
    "equipe",
    "contact",
    "info",
    "infos",
    "admin",
    "direction",
    "comite",
    "cie",
    "compagnie",
    "groupe",
    "conservatoire",
    "mediatheque",
    "bibliotheque",
    "piscine",
    "theatre",
    "journal",
    "courrier",
    "agence",
    "cabinet",
    "studio",
    "secretariat",
    "accueil",
    "famille",
    "scrabble",
    "sport",
    "sports",
    "amicale",
    "union",
    "federation",
    "office",
    "centre",
    "maison",
    "residence",
    "syndic",
    "copropriete",
    "rue",
    "avenue",
    "boulevard",
    "place",
    "allee",
    "chemin",
    "noreply",
    "newsletter",
    "support",
    "collectif",
    "ensemble",
    "orchestre",
    "chorale",
    "choeur",
    "coop",
    "mutuelle",
    "banque",
    "ltd",
    "inc",
    "gmbh",
    "llc",
    "company",
    "school",
    "library",
    "council",
];

/// `(civility, surname)` when `raw` is reliably one person's name.
fn person(raw: &str) -> Option<(Civility, String)> {
    let raw = raw.trim().trim_matches(['"', '\'']).trim();
    let suspicious = raw.chars().any(|c| {
        c.is_ascii_digit()
            || c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
            || "@{}[]<>|*_#\\/:;=+()&%$!?,~`^\"«»".contains(c)
    });
    if suspicious || raw.is_empty() || raw.chars().count() > 50 {
        return None;
    }
    let words: Vec<&str> = raw.split_whitespace().collect();
    if words.len() < 2 || words.len() > 4 {
        return None;
    }
    let folded: Vec<String> = words
        .iter()
        .map(|w| crate::faq::normalize::fold(w))
        .collect();
    if folded
        .iter()
        .any(|w| NOT_A_PERSON.contains(&w.trim_end_matches('.')))
    {
        return None;
    }
    if !words.iter().all(|w| is_name_word(w)) {
        return None;
    }
    if let Some(civility) = civility_word(&folded[0]) {
        let surname = &words[1..];
        // "Mme Fatou Diallo" → Diallo; "M. Petit" → Petit.
        let particles = ["de", "du", "des", "la", "le", "van", "von", "di", "da"];
        let surname = if surname.len() > 1 && !particles.contains(&folded[1].as_str()) {
            &surname[1..]
        } else {
            surname
        };
        return name_of(surname).map(|s| (civility, s));
    }
    // "Fatou Diallo", or "DIALLO Fatou" (surname first, in capitals).
    if let Some(civility) = first_name(&folded[0]) {
        return name_of(&words[1..]).map(|s| (civility, s));
    }
    let last = folded.len() - 1;
    if is_capitals(words[0]) && words.len() == 2 {
        if let Some(civility) = first_name(&folded[last]) {
            return name_of(&words[..1]).map(|s| (civility, s));
        }
    }
    None
}

fn is_name_word(w: &str) -> bool {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 1
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
}

fn is_capitals(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && w.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
}

/// The surname words as written in a letter: initials refused, all-lowercase or all-capitals
/// words capitalised ("pinto" → "Pinto", "DIALLO" → "Diallo").
fn name_of(words: &[&str]) -> Option<String> {
    if words.is_empty()
        || words
            .iter()
            .any(|w| w.trim_end_matches('.').chars().count() < 2)
    {
        return None;
    }
    // "de La Roche", "Le Gall": only these particles are written in lowercase.
    let particles = ["de", "du", "des", "van", "von", "di", "da", "d'"];
    let out: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i + 1 < words.len() && particles.contains(&lower.as_str()) {
                lower
            } else if is_capitals(w) || lower == *w {
                capitalise(&lower)
            } else {
                w.to_string()
            }
        })
        .collect();
    Some(out.join(" "))
}

fn capitalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut next_upper = true;
    for c in word.chars() {
        if next_upper {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        next_upper = matches!(c, '-' | '\'' | '’');
    }
    out
}

fn civility_word(folded: &str) -> Option<Civility> {
    match folded.trim_end_matches('.') {
        "mme" | "madame" | "mlle" | "mademoiselle" | "ms" | "mrs" | "miss" => {
            Some(Civility::Madame)
        }
        "m" | "mr" | "monsieur" => Some(Civility::Monsieur),
        _ => None,
    }
}

/// First names whose gender is clear (folded). Names borne by both (Camille, Dominique, Claude,
/// Alix, Sacha…) are left out on purpose: "Bonjour," is better than a wrong "Madame".
const WOMEN: &[&str] = &[
    "marie",
    "anne",
    "sophie",
    "nathalie",
    "isabelle",
    "sylvie",
    "catherine",
    "christine",
    "francoise",
    "monique",
    "nicole",
    "valerie",
    "sandrine",
    "celine",
    "aurelie",
    "julie",
    "emilie",
    "claire",
    "lea",
    "chloe",
    "emma",
    "manon",
    "camille-marie",
    "sarah",
    "laura",
    "pauline",
    "marion",
    "lucie",
    "juliette",
    "alice",
    "ines",
    "jeanne",
    "louise",
    "zoe",
    "elise",
    "helene",
    "martine",
    "brigitte",
    "veronique",
    "patricia",
    "florence",
    "agnes",
    "caroline",
    "virginie",
    "stephanie",
    "audrey",
    "melanie",
    "elodie",
    "charlotte",
    "mathilde",
    "margaux",
    "clemence",
    "fatou",
    "fatima",
    "amina",
    "aicha",
    "khadija",
    "leila",
    "yasmine",
    "nadia",
    "samia",
    "karima",
    "mariam",
    "aminata",
    "awa",
    "mireille",
    "josiane",
    "odile",
    "colette",
    "simone",
    "jacqueline",
    "denise",
    "genevieve",
    "annie",
    "chantal",
    "danielle",
    "beatrice",
    "corinne",
    "laurence",
    "muriel",
    "karine",
    "delphine",
    "severine",
    "anais",
    "oceane",
    "clara",
    "lola",
    "jade",
    "rose",
    "anna",
    "eva",
    "nina",
    "elsa",
    "ophelie",
    "lisa",
    "morgane",
    "gaelle",
    "solene",
    "berenice",
    "noemie",
    "helena",
    "mary",
    "elizabeth",
    "jennifer",
    "susan",
    "linda",
    "karen",
    "emily",
    "jessica",
    "rachel",
    "rebecca",
    "hannah",
    "olivia",
    "amelia",
    "sophia",
    "grace",
    "kate",
    "katherine",
    "margaret",
    "victoria",
    "lucy",
    "ellen",
    "agathe",
    "apolline",
    "capucine",
    "salome",
    "eloise",
    "adele",
    "rachida",
    "malika",
    "soraya",
    "linh",
    "mei",
    "ana",
    "maria",
    "carla",
    "paola",
    "giulia",
    "marta",
    "irene",
    "rosa",
    "sonia",
    "christelle",
    "estelle",
    "axelle",
    "gisele",
    "huguette",
    "paulette",
    "yvette",
    "ginette",
    "sabine",
    "laure",
    "aline",
    "pascale",
    "armelle",
    "maryse",
    "josette",
    "lucienne",
    "madeleine",
    "therese",
    "germaine",
    "suzanne",
    "yvonne",
    "regine",
    "fabienne",
    "carole",
    "coralie",
    "emeline",
    "justine",
    "lena",
    "nora",
    "ambre",
    "romane",
    "maelle",
    "constance",
    "diane",
    "eleonore",
    "elisabeth",
    "francine",
    "ghislaine",
    "jocelyne",
    "liliane",
    "marine",
    "marina",
    "myriam",
    "nadine",
    "perrine",
    "raphaelle",
    "sandra",
    "sylvia",
    "tatiana",
    "vanessa",
    "amandine",
    "angelique",
    "barbara",
    "cecile",
    "edith",
    "eliane",
    "evelyne",
    "heloise",
    "jeannine",
    "lydie",
    "magali",
    "marjorie",
    "melissa",
    "nadege",
    "solange",
    "viviane",
    "zohra",
    "zineb",
    "meriem",
    "naima",
    "samira",
    "farida",
    "hawa",
    "kadiatou",
    "mariama",
    "oumou",
    "binta",
];

const MEN: &[&str] = &[
    "jean",
    "pierre",
    "michel",
    "philippe",
    "alain",
    "patrick",
    "nicolas",
    "christophe",
    "francois",
    "daniel",
    "bernard",
    "eric",
    "laurent",
    "frederic",
    "stephane",
    "olivier",
    "david",
    "thierry",
    "pascal",
    "julien",
    "sebastien",
    "thomas",
    "antoine",
    "alexandre",
    "guillaume",
    "vincent",
    "jerome",
    "arnaud",
    "romain",
    "mathieu",
    "matthieu",
    "benoit",
    "lucas",
    "hugo",
    "louis",
    "gabriel",
    "arthur",
    "jules",
    "leo",
    "paul",
    "adam",
    "raphael",
    "nathan",
    "ethan",
    "theo",
    "tom",
    "enzo",
    "mohamed",
    "mohammed",
    "ahmed",
    "karim",
    "mehdi",
    "youssef",
    "rachid",
    "said",
    "omar",
    "moussa",
    "mamadou",
    "ibrahima",
    "amadou",
    "roger",
    "andre",
    "jacques",
    "henri",
    "robert",
    "marcel",
    "rene",
    "georges",
    "gerard",
    "claude-henri",
    "yves",
    "serge",
    "didier",
    "franck",
    "bruno",
    "gilles",
    "herve",
    "denis",
    "marc",
    "luc",
    "xavier",
    "cedric",
    "fabrice",
    "gregory",
    "damien",
    "florian",
    "kevin",
    "maxence",
    "baptiste",
    "clement",
    "quentin",
    "victor",
    "martin",
    "simon",
    "samuel",
    "benjamin",
    "adrien",
    "etienne",
    "emmanuel",
    "joel",
    "lionel",
    "ludovic",
    "loic",
    "yann",
    "gael",
    "tristan",
    "valentin",
    "john",
    "james",
    "william",
    "richard",
    "charles",
    "joseph",
    "george",
    "edward",
    "peter",
    "mark",
    "steven",
    "andrew",
    "michael",
    "robert",
    "brian",
    "kenneth",
    "matthew",
    "daniel",
    "oliver",
    "harry",
    "jack",
    "noah",
    "liam",
    "marco",
    "luca",
    "giovanni",
    "carlos",
    "juan",
    "pedro",
    "jose",
    "antonio",
    "miguel",
    "raymond",
    "gaston",
    "lucien",
    "albert",
    "maurice",
    "fernand",
    "gustave",
    "augustin",
    "timothee",
    "aurelien",
    "sylvain",
    "jeremy",
    "anthony",
    "hubert",
    "thibault",
    "thibaut",
    "gauthier",
    "geoffroy",
    "guy",
    "jeremie",
    "jonathan",
    "kader",
    "karl",
    "leon",
    "marius",
    "mathis",
    "norbert",
    "octave",
    "remi",
    "remy",
    "renaud",
    "roland",
    "samir",
    "sofiane",
    "teddy",
    "tony",
    "ulysse",
    "yanis",
    "yoann",
    "bilal",
    "hamza",
    "ismael",
    "amine",
    "nabil",
    "rayan",
    "walid",
    "yacine",
    "abdel",
    "boubacar",
    "ousmane",
    "gilbert",
];

fn first_name(folded: &str) -> Option<Civility> {
    // A composed first name takes the gender of its first part: "Jean-Pierre", "Marie-Claire".
    let first = folded.split([' ', '-']).next().unwrap_or(folded);
    if WOMEN.contains(&folded) || WOMEN.contains(&first) {
        Some(Civility::Madame)
    } else if MEN.contains(&folded) || MEN.contains(&first) {
        Some(Civility::Monsieur)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inquiry::Address;

    fn from(name: &str) -> Message {
        Message {
            from: Some(Address {
                name: Some(name.to_string()),
                email: "x@example.org".into(),
            }),
            ..Message::default()
        }
    }

    fn greet(name: &str) -> Option<String> {
        greeting_name(&from(name), Lang::Fr).map(|g| g.text)
    }

    #[test]
    fn a_person_is_greeted_with_civility_and_surname() {
        assert_eq!(greet("Fatou Diallo").as_deref(), Some("Madame Diallo"));
        assert_eq!(greet("roger pinto").as_deref(), Some("Monsieur Pinto"));
        assert_eq!(
            greet("Mme Laure Bidault").as_deref(),
            Some("Madame Bidault")
        );
        assert_eq!(greet("DIALLO Fatou").as_deref(), Some("Madame Diallo"));
        assert_eq!(
            greet("Jean-Pierre de La Roche").as_deref(),
            Some("Monsieur de La Roche")
        );
    }

    #[test]
    fn organisations_handles_and_hostile_names_are_not_greeted() {
        for name in [
            "Club de Scrabble d'Antony",
            "lea.b",
            "Arnaud",
            "Camille Martin",
            "{{citizen_name}} Dupont",
            "[[à compléter : x]] Jean",
            "Jean Dupont <jean@example.org>",
            "Service des sports",
            "Marie\u{202e}Dupont",
            "Paul 2000",
        ] {
            assert_eq!(greet(name), None, "{name}");
        }
    }

    #[test]
    fn a_signature_gives_the_name_when_the_sender_has_none() {
        let mut m = Message {
            body: "Bonjour, quels sont les horaires ?\nMerci\nThomas Rey".into(),
            ..Message::default()
        };
        assert_eq!(
            greeting_name(&m, Lang::En).map(|g| g.text).as_deref(),
            Some("Mr Rey")
        );
        m.body = "Bonjour, quels sont les horaires ?\nFatou".into();
        assert_eq!(greeting_name(&m, Lang::Fr), None);
    }
}
