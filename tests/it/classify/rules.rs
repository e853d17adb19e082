use super::faq;

#[test]
fn every_rule_example_matches_and_no_counter_example_does() {
    let failures = faq().test_examples();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_topic_rule_has_examples_to_test() {
    for rule in &faq().rules {
        if rule.conclusion.topic.is_some() || rule.conclusion.automatic {
            assert!(
                !rule.examples.is_empty(),
                "rule {} has no examples",
                rule.id
            );
        }
    }
}
