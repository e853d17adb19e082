use super::*;

fn texts(body: &str) -> Vec<String> {
    requests(body).into_iter().map(|r| r.text).collect()
}

#[test]
fn greeting_closing_and_signature_are_dropped() {
    let body = "Bonjour Madame,\n\nQuels sont les horaires de la piscine le dimanche ? \
                Et combien coûte l'entrée ?\n\nCordialement,\nMarie Dupont\n06 12 34 56 78";
    assert_eq!(
        texts(body),
        [
            "Quels sont les horaires de la piscine le dimanche ?",
            "Et combien coûte l'entrée ?"
        ]
    );
}

#[test]
fn a_greeting_on_the_same_line_as_the_question_is_removed() {
    let r = requests("Bonjour, je voudrais inscrire ma fille au solfège.");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].text, "je voudrais inscrire ma fille au solfège.");
    assert!(!r[0].question);
    let r = requests("bonjour je voudrais savoir les horaires");
    assert_eq!(r[0].text, "je voudrais savoir les horaires");
    assert!(r[0].question, "an indirect question is a question");
}

#[test]
fn spans_point_at_the_original_words() {
    let body = "Bonjour,\r\nLa médiathèque ouvre-t-elle le lundi ?  Merci d'avance.";
    let r = requests(body);
    assert_eq!(r.len(), 1);
    assert_eq!(
        &body[r[0].span.clone()],
        "La médiathèque ouvre-t-elle le lundi ?"
    );
}

#[test]
fn question_mark_chains_and_exclamations_end_one_sentence() {
    assert_eq!(
        texts("c ouvert dimanche ??? on peut venir avec bébé ?! super!!"),
        [
            "c ouvert dimanche ???",
            "on peut venir avec bébé ?!",
            "super!!"
        ]
    );
}

#[test]
fn abbreviations_and_numbers_do_not_end_a_sentence() {
    assert_eq!(
        texts("M. Martin habite 12 bd. Carnot. Le cours de 10.30 est-il maintenu ?"),
        [
            "M. Martin habite 12 bd. Carnot.",
            "Le cours de 10.30 est-il maintenu ?"
        ]
    );
}

#[test]
fn bullet_and_numbered_lists_give_one_request_per_item() {
    let body = "J'ai trois questions :\n- les horaires d'été\n- le prix pour un enfant\n\
                1) faut-il un certificat médical\n2. peut-on payer en plusieurs fois";
    assert_eq!(
        texts(body),
        [
            "J'ai trois questions :",
            "les horaires d'été",
            "le prix pour un enfant",
            "faut-il un certificat médical",
            "peut-on payer en plusieurs fois"
        ]
    );
    assert!(requests(body)[3].question);
}

#[test]
fn text_without_punctuation_is_split_by_line_and_wrapped_lines_are_joined() {
    assert_eq!(
        texts("bjr\nc koi les horaires de la piscine\net pour les tarifs enfants"),
        [
            "c koi les horaires de la piscine",
            "et pour les tarifs enfants"
        ]
    );
    let wrapped = "Je souhaiterais inscrire mon fils au cours de natation du mercredi\n\
                   après-midi à la piscine de Bagneux. Merci.";
    assert_eq!(
        texts(wrapped),
        ["Je souhaiterais inscrire mon fils au cours de natation du mercredi après-midi à la piscine de Bagneux."]
    );
}

#[test]
fn a_run_on_sentence_is_cut_where_a_new_request_starts() {
    assert_eq!(
        texts("je voudrais connaitre les horaires du conservatoire et aussi le prix du solfège pour un adulte"),
        [
            "je voudrais connaitre les horaires du conservatoire",
            "et aussi le prix du solfège pour un adulte"
        ]
    );
}

#[test]
fn a_request_starting_with_merci_de_is_kept() {
    assert_eq!(
        texts("Merci de me rappeler au sujet de ma facture.\nMerci !"),
        ["Merci de me rappeler au sujet de ma facture."]
    );
}

#[test]
fn english_mail_is_split_the_same_way() {
    let body = "Hello,\n\nIs the pool open on Sunday? How much is a ticket for a child?\n\n\
                Kind regards,\nJohn Smith";
    let r = requests(body);
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|r| r.question));
}

#[test]
fn a_trailing_name_alone_is_a_signature() {
    assert_eq!(
        texts("Le standard ne répond jamais.\nPaul Durand"),
        ["Le standard ne répond jamais."]
    );
}

#[test]
fn hostile_or_empty_text_gives_no_panic() {
    assert!(requests("").is_empty());
    assert!(requests("\n\n  \t").is_empty());
    assert!(requests("Cordialement").is_empty());
    let odd = "é?…!\u{200b}\u{202e}- \n1) \n- - -\n?".repeat(50);
    for r in requests(&odd) {
        assert!(odd.get(r.span.clone()).is_some());
    }
    let long = "a".repeat(100_000);
    assert_eq!(requests(&long).len(), 1);
}
