//! Kind and facility (or service): the weighed evidence of names, streets, districts, activity
//! words, the recipient address and the commune.
//!
//! A facility is pinned only when it clearly beats every other named place *and* its kind is the
//! kind the whole message points to; any conflict stays at the kind level, because a careful
//! agent prefers "une piscine" to the wrong pool. When no place of that kind is named, the
//! commune can pin the only facility of that kind there.

use std::collections::HashMap;

use crate::inquiry::{FacilityId, Kind, Message};

use super::{weight, Faq, Hits, Prepared, Rule, Trace};

/// A facility must beat the runner-up by this factor to be pinned.
const FACILITY_MARGIN: f64 = 1.5;

/// A mail sent to a facility's own address weighs like its name written twice in the body.
const RECIPIENT_WEIGHT: u64 = 60;

/// The "kind" `autre` (a commune's or another body's matter) must beat every real kind.
fn best_kind(kinds: &HashMap<Kind, (u64, usize)>) -> Kind {
    let best_real = kinds
        .iter()
        .filter(|(k, _)| **k != Kind::Autre)
        .max_by(|a, b| {
            a.1 .0
                .cmp(&b.1 .0)
                .then(b.1 .1.cmp(&a.1 .1))
                .then(b.0.cmp(a.0))
        });
    let autre = kinds.get(&Kind::Autre).map(|(s, _)| *s).unwrap_or(0);
    match best_real {
        Some((k, (score, _))) if *score >= autre => *k,
        _ => Kind::Autre,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Place {
    Facility(FacilityId),
    Outside(String),
}

impl Place {
    fn id(&self) -> &str {
        match self {
            Place::Facility(id) => id.as_str(),
            Place::Outside(id) => id,
        }
    }
}

impl Faq {
    pub(super) fn decide_place(
        &self,
        fired: &[(&Rule, Hits)],
        text: &Prepared,
        message: &Message,
        trace: &mut Trace,
    ) -> (Option<FacilityId>, Kind) {
        let mut places: HashMap<Place, (u64, usize)> = HashMap::new();
        let mut kinds: HashMap<Kind, (u64, usize)> = HashMap::new();
        let mut add = |place: Option<Place>, kind: Option<Kind>, w: u64, first: usize| {
            if let Some(place) = place {
                let entry = places.entry(place).or_insert((0, usize::MAX));
                entry.0 += w;
                entry.1 = entry.1.min(first);
            }
            if let Some(kind) = kind {
                let entry = kinds.entry(kind).or_insert((0, usize::MAX));
                entry.0 += w;
                entry.1 = entry.1.min(first);
            }
        };
        for (rule, hits) in fired {
            let c = &rule.conclusion;
            let place = match (&c.facility, &c.outside) {
                (Some(id), _) => Some(Place::Facility(id.clone())),
                (None, Some(id)) => Some(Place::Outside(id.clone())),
                _ => None,
            };
            let kind = c.kind.or_else(|| {
                c.facility
                    .as_ref()
                    .and_then(|id| self.catalogue.facility(id))
                    .map(|f| f.kind)
            });
            add(place, kind, weight(rule, hits, text.reply), hits.first);
        }
        for facility in self.addressed_to(message) {
            trace
                .notes
                .push(format!("sent to the address of {}", facility.id));
            add(
                Some(Place::Facility(facility.id.clone())),
                Some(facility.kind),
                RECIPIENT_WEIGHT,
                0,
            );
        }

        let mut ranked: Vec<(Place, (u64, usize))> = places.into_iter().collect();
        ranked.sort_by(|a, b| {
            b.1 .0
                .cmp(&a.1 .0)
                .then(a.1 .1.cmp(&b.1 .1))
                .then(a.0.cmp(&b.0))
        });
        let mut kind_list: Vec<(Kind, u64)> = kinds.iter().map(|(k, (s, _))| (*k, *s)).collect();
        kind_list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        trace.kinds = kind_list;
        trace.places = ranked
            .iter()
            .map(|(p, (s, _))| (p.id().to_string(), *s))
            .collect();

        let kind = best_kind(&kinds);
        let place_kind = |p: &Place| match p {
            Place::Facility(id) => self.catalogue.facility(id).map(|f| f.kind),
            Place::Outside(id) => self
                .catalogue
                .outside
                .iter()
                .find(|o| &o.id == id)
                .map(|o| o.kind),
        };
        // Only places of the winning kind compete; others are evidence of a conflict.
        let same_kind: Vec<&(Place, (u64, usize))> = ranked
            .iter()
            .filter(|(p, _)| place_kind(p) == Some(kind))
            .collect();
        if let Some((best, (score, _))) = same_kind.first() {
            // The runner-up is any other named place, whatever its kind: two places of
            // different kinds named alike are a conflict, left at the kind level. The head
            // office is where mail arrives ("j'écris au siège au sujet de la piscine"), and a
            // territory service is found by the matter's words ("facture", "encombrants"), not
            // by a name: neither competes with a facility of another kind ("la facture du
            // conservatoire de Fontenay" is the conservatoire's).
            let runner_up = ranked
                .iter()
                .filter(|(p, _)| kind == Kind::Siege || place_kind(p) != Some(Kind::Siege))
                .find(|(p, _)| p != best)
                .map(|(_, (s, _))| *s)
                .unwrap_or(0);
            if *score as f64 >= runner_up as f64 * FACILITY_MARGIN && *score > runner_up {
                if let Place::Facility(id) = best {
                    trace.notes.push(format!(
                        "{id} pinned: {score} against {runner_up} for the next place"
                    ));
                    return (Some(id.clone()), kind);
                }
                trace
                    .notes
                    .push(format!("{} is not run by the territory", best.id()));
                return (None, kind);
            }
            trace.notes.push(format!(
                "no facility: {} ({score}) does not clearly beat the next place ({runner_up})",
                best.id()
            ));
            return (None, kind);
        }
        if let Some((other, _)) = ranked.first() {
            trace.notes.push(format!(
                "{} named, but the message points to kind {kind}: kept at the kind level",
                other.id()
            ));
        }
        if kind != Kind::Autre {
            // A fresh subject ("Aquagym Bagneux") is the writer's own words; a reply's is not.
            let own_words = if text.reply {
                text.body.clone()
            } else {
                format!("{}\n{}", text.subject, text.body)
            };
            if let Some(id) = self.facility_by_commune(kind, &own_words) {
                trace
                    .notes
                    .push(format!("{id} pinned: the only {kind} of the commune named"));
                return (Some(id), kind);
            }
        }
        (None, kind)
    }

    /// Facilities whose own address (confirmed in the catalogue) received the mail.
    fn addressed_to<'a>(
        &'a self,
        message: &'a Message,
    ) -> impl Iterator<Item = &'a super::super::Facility> + 'a {
        let recipients: Vec<String> = message
            .headers
            .iter()
            .filter(|(n, _)| matches!(n.as_str(), "to" | "cc" | "delivered-to" | "x-original-to"))
            .map(|(_, v)| v.to_ascii_lowercase())
            .collect();
        self.catalogue.facilities.iter().filter(move |f| {
            let own = f.facts.email.trim().to_ascii_lowercase();
            own.contains('@') && recipients.iter().any(|r| address_in(r, &own))
        })
    }

    /// The only facility of `kind` in the only commune named in `text`, if there is one.
    fn facility_by_commune(&self, kind: Kind, text: &str) -> Option<FacilityId> {
        let mut named = self.communes.iter().filter(|c| c.pattern.is_match(text));
        let commune = named.next()?;
        if named.next().is_some() {
            return None;
        }
        let mut candidates = self.catalogue.in_commune(kind, &commune.name);
        let only = candidates.next()?;
        candidates.next().is_none().then(|| only.id.clone())
    }
}

/// True when `address` appears in a header value as a whole address, not inside a longer one.
fn address_in(header: &str, address: &str) -> bool {
    header.match_indices(address).any(|(at, _)| {
        let before = header[..at].chars().next_back();
        let after = header[at + address.len()..].chars().next();
        let boundary =
            |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || ".-_+".contains(c)));
        boundary(before) && boundary(after)
    })
}
