//! Sorting as people write: misspelt and short names, streets and districts, the territory's own
//! services, communes, activity words, keyword traps and topic precedence. Every inquiry here was
//! written for these tests (fictitious people, example domains).

use guichet::assets::Source;
use guichet::faq::Faq;
use guichet::inquiry::{Classification, Kind, Message, Topic};

use super::{assert_sorted, faq, parse_bytes};

fn chat(text: &str) -> Classification {
    faq().classify(&Message::chat(text))
}

/// A plain mail from a citizen, with extra header lines.
fn mail_bytes(headers: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Nadia Perrin <nadia.perrin@example.net>\r\nTo: contact@valleesud.example\r\n\
         Subject: {subject}\r\nDate: Tue, 01 Dec 2026 09:30:00 +0100\r\n\
         Message-ID: <t-{}@example.net>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n{headers}\r\n{}",
        subject.len(),
        body.replace('\n', "\r\n")
    )
    .into_bytes()
}

fn mail(headers: &str, subject: &str, body: &str) -> Classification {
    faq().classify(&parse_bytes(&mail_bytes(headers, subject, body)))
}

#[test]
fn misspelt_names_of_five_letters_or_more_still_name_the_facility() {
    let c = chat("la piscine pajaud est ouverte le 1er mai ?");
    assert_sorted(&c, Kind::Piscine, Some("piscine-pajeaud"), Topic::Horaires);
    let c = chat("c'est combien l'entrée aux blaggis pour un enfant ?");
    assert_sorted(&c, Kind::Piscine, Some("piscine-blagis"), Topic::Tarifs);
    let c = chat("Mon fils voudrait s'inscrire en percussions au conservatoire Dutileux");
    assert_sorted(
        &c,
        Kind::Conservatoire,
        Some("conservatoire-clamart"),
        Topic::Inscription,
    );
}

#[test]
fn short_names_and_acronyms_name_the_facility() {
    let c = chat("Les cours de danse de la MMD reprennent quand ?");
    assert_sorted(
        &c,
        Kind::Conservatoire,
        Some("conservatoire-fontenay"),
        Topic::Horaires,
    );
    let c = chat("Au CRD, combien coûte la formation musicale pour un adulte ?");
    assert_sorted(
        &c,
        Kind::Conservatoire,
        Some("conservatoire-bourg-la-reine-sceaux"),
        Topic::Tarifs,
    );
}

#[test]
fn streets_and_districts_point_to_their_facility() {
    let c = chat("J'ai oublié mon sac à dos rouge à la médiathèque de la place Ferrari");
    assert_sorted(
        &c,
        Kind::Mediatheque,
        Some("mediatheque-la-buanderie"),
        Topic::ObjetPerdu,
    );
    let c = chat("Les cours de solfège du bd Carnot sont-ils maintenus pendant les vacances ?");
    assert_sorted(
        &c,
        Kind::Conservatoire,
        Some("conservatoire-bourg-la-reine-sceaux"),
        Topic::Horaires,
    );
    let c = chat("la bibliothèque du Petit-Clamart ouvre à quelle heure le samedi ?");
    assert_sorted(
        &c,
        Kind::Mediatheque,
        Some("mediatheque-francois-mitterrand"),
        Topic::Horaires,
    );
}

#[test]
fn a_district_of_another_kind_does_not_pin_a_facility_against_the_kind() {
    // "Petit-Clamart" is the district of a médiathèque, but this is about a pool.
    let c = chat("La piscine près du Petit-Clamart est-elle ouverte le dimanche ?");
    assert_eq!(c.kind, Kind::Piscine, "{:?}", c.rules);
    assert_ne!(
        c.facility.as_ref().map(|f| f.as_str()),
        Some("mediatheque-francois-mitterrand")
    );
}

#[test]
fn each_territory_service_is_a_routing_target() {
    let cases = [
        ("Comment prendre rendez-vous pour faire enlever des encombrants ?", "service-dechets"),
        ("Mon bac à ordures ménagères a été volé, comment en avoir un autre ?", "service-dechets"),
        ("Refoulement des eaux usées dans notre cave, à qui s'adresser ?", "service-assainissement"),
        ("Où consulter le PLUi et le zonage de ma parcelle ?", "service-urbanisme-plui"),
        ("Notre association d'un quartier prioritaire veut déposer un projet au contrat de ville", "service-politique-ville"),
        ("Quelles aides pour la rénovation énergétique dans le cadre du plan climat ?", "service-climat"),
        ("Je crée mon entreprise, quel accompagnement proposez-vous aux créateurs ?", "service-economie"),
        ("Où trouver le dossier de consultation de votre appel d'offres de nettoyage ?", "service-marches"),
        ("Notre facture n° 2026-044 est impayée depuis trois mois, avez-vous reçu le bon de commande ?", "service-finances"),
        ("Je vous envoie mon CV pour le poste d'agent d'accueil", "service-rh"),
        ("Le standard du siège est-il ouvert entre Noël et le jour de l'an ?", "siege"),
    ];
    for (text, id) in cases {
        let c = chat(text);
        assert_eq!(
            (c.kind, c.facility.as_ref().map(|f| f.as_str())),
            (Kind::Siege, Some(id)),
            "{text}: rules {:?}",
            c.rules
        );
    }
}

#[test]
fn what_stays_with_the_communes_still_goes_to_the_town_hall() {
    for text in [
        "Je dois refaire mon passeport, faut-il un rendez-vous ?",
        "Combien coûte la cantine pour un enfant de CP ?",
        "Je conteste un forfait post-stationnement",
        "Permis de construire pour un abri de jardin",
    ] {
        let c = chat(text);
        assert_eq!((c.kind, c.facility.as_ref()), (Kind::Autre, None), "{text}");
    }
}

#[test]
fn a_commune_with_one_facility_of_the_kind_pins_it() {
    // Sceaux has no conservatoire of its own: the Bourg-la-Reine / Sceaux one serves it.
    let c = chat("À Sceaux, y a-t-il des cours de violon pour les enfants ?");
    assert_eq!(c.kind, Kind::Conservatoire);
    assert_eq!(
        c.facility.as_ref().map(|f| f.as_str()),
        Some("conservatoire-bourg-la-reine-sceaux")
    );
    let c = chat("Is the swimming pool in Antony open on Sunday mornings?");
    assert_eq!(
        c.facility.as_ref().map(|f| f.as_str()),
        Some("piscine-pajeaud")
    );
    // Clamart has four médiathèques: the commune alone does not choose.
    let c = chat("la médiathèque de Clamart est ouverte le lundi ?");
    assert_sorted(&c, Kind::Mediatheque, None, Topic::Horaires);
}

#[test]
fn the_activity_alone_says_the_kind() {
    let cases = [
        (
            "Quand ont lieu les réinscriptions en solfège ?",
            Kind::Conservatoire,
        ),
        (
            "L'aquagym du mardi est maintenue pendant les vacances ?",
            Kind::Piscine,
        ),
        (
            "Comment prolonger mes livres sans venir sur place ?",
            Kind::Mediatheque,
        ),
        (
            "Combien coûte l'abonnement de saison, trois spectacles ?",
            Kind::Theatre,
        ),
    ];
    for (text, kind) in cases {
        let c = chat(text);
        assert_eq!(
            (c.kind, c.facility.as_ref()),
            (kind, None),
            "{text}: {:?}",
            c.rules
        );
    }
}

#[test]
fn la_piscine_as_a_common_noun_never_pins_the_theatre() {
    let c = chat("On peut acheter des tickets pour la piscine en ligne ?");
    assert_eq!(c.kind, Kind::Piscine);
    assert_eq!(c.facility, None);
    let c = chat("Deux billets pour le spectacle de danse de samedi à La Piscine, svp");
    assert_sorted(
        &c,
        Kind::Theatre,
        Some("theatre-la-piscine"),
        Topic::Reservation,
    );
}

#[test]
fn a_keyword_never_overrules_a_named_facility() {
    let c = chat("Reste-t-il des places au stage de cirque des vacances à l'Espace Cirque ?");
    assert_eq!(
        c.facility.as_ref().map(|f| f.as_str()),
        Some("espace-cirque")
    );
    let c = chat(
        "Ma candidature pour l'audition d'entrée au conservatoire de Bagneux est-elle complète ?",
    );
    assert_eq!(
        c.facility.as_ref().map(|f| f.as_str()),
        Some("conservatoire-bagneux")
    );
    let c = chat("J'ai reçu la facture du conservatoire de Clamart, peut-on payer en trois fois ?");
    assert_sorted(
        &c,
        Kind::Conservatoire,
        Some("conservatoire-clamart"),
        Topic::Tarifs,
    );
}

#[test]
fn a_job_application_for_a_private_company_is_not_for_the_territory() {
    let c = chat("Suite à votre annonce pour un poste de vendeur dans votre magasin, voici ma candidature et mon CV.");
    assert_eq!(
        (c.kind, c.facility.as_ref()),
        (Kind::Autre, None),
        "{:?}",
        c.rules
    );
}

#[test]
fn a_school_canteen_bill_is_the_communes_not_a_territory_invoice() {
    let c = chat("J'ai reçu une facture de cantine scolaire en double, qui dois-je contacter ?");
    assert_eq!(
        (c.kind, c.facility.as_ref()),
        (Kind::Autre, None),
        "{:?}",
        c.rules
    );
}

#[test]
fn a_complaint_that_mentions_a_booking_or_a_price_stays_a_complaint() {
    let c = chat(
        "J'avais réservé deux places pour le concert au théâtre Victor Hugo. \
         Il a été annulé sans prévenir et personne ne répond pour le remboursement, c'est inadmissible.",
    );
    assert_eq!(c.topic, Topic::Reclamation);
    assert!(c.requests.iter().any(|r| r.topic == Topic::Reclamation));
}

#[test]
fn lost_property_comes_before_hours() {
    let c = chat(
        "J'ai oublié mon bonnet dans les vestiaires. Vous êtes ouverts à quelle heure demain ?",
    );
    assert_eq!(c.topic, Topic::ObjetPerdu);
    assert_eq!(c.requests.len(), 2);
    assert_eq!(c.requests[1].topic, Topic::Horaires);
}

#[test]
fn autre_when_no_sentence_carries_a_topic() {
    let c = chat(
        "Bonjour, accueillez-vous des expositions de photographies à la médiathèque Pablo Neruda ?",
    );
    assert_sorted(
        &c,
        Kind::Mediatheque,
        Some("mediatheque-malakoff"),
        Topic::Autre,
    );
}

#[test]
fn a_human_reply_to_our_auto_reply_is_a_citizen() {
    let c = mail(
        "In-Reply-To: <ack-1@valleesud.example>\r\n",
        "RE: Réponse automatique : Vestiaires des Blagis",
        "Bonjour,\n\nJ'ai bien eu votre réponse automatique, mais les vestiaires des Blagis \
         sont toujours sales. C'est inacceptable.\n\nNadia\n\n> Nous avons bien reçu votre message.\n",
    );
    assert_sorted(
        &c,
        Kind::Piscine,
        Some("piscine-blagis"),
        Topic::Reclamation,
    );
}

#[test]
fn an_out_of_office_without_headers_is_soft_automatic_and_with_a_header_is_not_soft() {
    let body = "Je suis absente du bureau jusqu'au 4 janvier inclus.\nEn cas d'urgence, \
                contactez l'accueil.\n";
    let soft = mail("", "Réponse automatique : Inscription solfège", body);
    assert!(soft.automatic && soft.soft_automatic(), "{soft:?}");
    let hard = mail(
        "Auto-Submitted: auto-replied\r\n",
        "Réponse automatique : Inscription solfège",
        body,
    );
    assert!(hard.automatic && !hard.soft_automatic(), "{hard:?}");
}

#[test]
fn a_fresh_auto_reply_subject_with_a_question_of_the_writers_own_is_human() {
    let c = mail(
        "",
        "Absence : mon fils au cours de piano",
        "Mon fils sera absent au cours de piano samedi, faut-il prévenir le professeur ?",
    );
    assert!(!c.automatic, "{c:?}");
}

#[test]
fn a_mail_sent_to_a_facilitys_own_address_points_to_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    copy_dir(&source, dir.path());
    let catalogue = dir.path().join("facilities.toml");
    let text = std::fs::read_to_string(&catalogue).expect("catalogue");
    let text = text.replacen(
        "id = \"piscine-clamart\"",
        "id = \"piscine-clamart\"\nemail = \"piscine.clamart@example.org\"",
        1,
    );
    std::fs::write(&catalogue, text).expect("write catalogue");
    let faq = Faq::load(&Source::Directory(dir.path().to_path_buf())).expect("valid FAQ");
    let raw = mail_bytes(
        "",
        "Question",
        "Le bassin est-il ouvert le dimanche matin ?",
    );
    let raw = String::from_utf8(raw).expect("utf-8").replace(
        "To: contact@valleesud.example",
        "To: Piscine <piscine.clamart@example.org>",
    );
    let c = faq.classify(&parse_bytes(raw.as_bytes()));
    assert_sorted(&c, Kind::Piscine, Some("piscine-clamart"), Topic::Horaires);
    // The same question to the general address stays at the kind level.
    let c = faq.classify(&parse_bytes(&mail_bytes(
        "",
        "Question",
        "Le bassin est-il ouvert le dimanche matin ?",
    )));
    assert_sorted(&c, Kind::Piscine, None, Topic::Horaires);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).expect("faq dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn explain_names_the_words_that_weighed() {
    let e = faq().explain(&Message::chat(
        "la piscine pajaud est ouverte le dimanche ?",
    ));
    let text = e.to_string();
    assert!(text.contains("nom:piscine-pajeaud"), "{text}");
    assert!(text.contains("piscine pajeaud"), "{text}");
    assert!(text.contains("horaires"), "{text}");
    assert!(text.contains("pinned"), "{text}");
}

#[test]
fn an_invoice_of_a_named_facility_is_that_facilitys_not_the_finance_services() {
    let c = mail(
        "",
        "Facture du conservatoire",
        "Nous avons reçu une facture pour toute l'année alors que notre fille a arrêté le violon \
         au conservatoire Henri Dutilleux en novembre. La facture est-elle juste ?",
    );
    assert_eq!(
        (c.kind, c.facility.as_ref().map(|f| f.as_str())),
        (Kind::Conservatoire, Some("conservatoire-clamart")),
        "{:?}",
        c.rules
    );
}
