//! The agents' buttons: Approuver, Modifier (opens the form of `modal`), Réaffecter (menus of kinds
//! and facilities), Rejeter (a menu of reasons). Only members with the agent role may act; the
//! store decides between two agents clicking at once, and the second is told who was first.

use chrono::{DateTime, Utc};
use serenity::all::{
    ComponentInteraction, ComponentInteractionDataKind, Context, CreateActionRow,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateSelectMenu,
    CreateSelectMenuKind, CreateSelectMenuOption, EditMessage, Member, MessageId, RoleId,
};

use super::post::{decided_post, outcome_line};
use super::{Data, DiscordError};
use crate::inquiry::{Actor, FacilityId, Kind, RejectReason, Verb};
use crate::inquiry::{InquiryId, Outcome, Standing};
use crate::labels;
use crate::pipeline::ApproveError;

/// A parsed `custom_id`: `g:{verb}:{inquiry}[:{post message}[:{draft version}]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub verb: Verb,
    pub inquiry: InquiryId,
    /// The agents' card the action is about (menus and previews are other messages).
    pub post: Option<MessageId>,
    /// The draft version a confirmation approves.
    pub version: Option<u32>,
}

/// Reads a custom id written by this bot; anything else is None.
pub fn parse_custom_id(id: &str) -> Option<Action> {
    let a = crate::inquiry::Action::parse(id)?;
    Some(Action {
        verb: a.verb,
        inquiry: a.inquiry,
        post: a.post.map(MessageId::new),
        version: a.version,
    })
}

/// True when the member holds the role (DMs have no member: never).
pub fn has_role(member: Option<&Member>, role: RoleId) -> bool {
    member.is_some_and(|m| m.roles.contains(&role))
}

/// The ledger's actor for a Discord user.
pub fn actor(user_id: u64) -> Actor {
    Actor::discord(user_id)
}

/// What the second agent is told.
pub fn already_decided(s: &Standing) -> String {
    let who = match s.decider() {
        Some(actor) => actor.mention(),
        None => "quelqu'un d'autre".to_string(),
    };
    let when = s
        .decided_at
        .map(|t| {
            t.with_timezone(&chrono_tz::Europe::Paris)
                .format(" le %d/%m/%Y à %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    format!(
        "Déjà traitée par {who}{when} (statut : {}).",
        labels::status(s.status)
    )
}

pub(super) fn ephemeral(text: impl Into<String>) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(serenity::all::CreateAllowedMentions::new()),
    )
}

pub(super) fn update(text: impl Into<String>) -> CreateInteractionResponse {
    CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .content(text)
            .components(Vec::new())
            .allowed_mentions(serenity::all::CreateAllowedMentions::new()),
    )
}

pub(super) fn refusal(user: u64, custom_id: &str) -> CreateInteractionResponse {
    tracing::warn!(
        user,
        custom_id,
        "discord action refused: the member lacks the agent role"
    );
    ephemeral("Action réservée aux agents du guichet (rôle agent requis).")
}

/// A click on a button or a choice in a menu.
pub async fn on_component(
    ctx: &Context,
    data: &Data,
    i: &ComponentInteraction,
) -> Result<(), DiscordError> {
    let Some(action) = parse_custom_id(&i.data.custom_id) else {
        return Ok(());
    };
    let user = i.user.id.get();
    let response = if !has_role(i.member.as_ref(), data.settings.agent_role) {
        refusal(user, &i.data.custom_id)
    } else {
        let now = Utc::now();
        let selected = match &i.data.kind {
            ComponentInteractionDataKind::StringSelect { values } => values.first().cloned(),
            _ => None,
        };
        match action.verb {
            Verb::Approve => {
                let text = latest_draft(data, action.inquiry).await?;
                let r = data
                    .pipeline
                    .approve(action.inquiry, &actor(user), None, now)
                    .await;
                approval_response(r, &i.message.content, &text, "Approuvée", user, now)
            }
            Verb::Send => super::modal::on_send(ctx, data, i, &action, now).await?,
            Verb::Edit => {
                let post = action.post.unwrap_or(i.message.id);
                super::modal::edit_modal(data, action.inquiry, post).await?
            }
            Verb::Restore => match data
                .pipeline
                .restore_automatic(action.inquiry, &actor(user), now)
                .await
            {
                Ok(Outcome::Done) => {
                    ephemeral("Demande restaurée : accusé de réception et brouillon préparés.")
                }
                Ok(Outcome::AlreadyDecided(s)) => ephemeral(already_decided(&s)),
                Err(e) => {
                    tracing::error!(error = %e, "restore failed");
                    ephemeral(format!("Restauration impossible : {e}"))
                }
            },
            Verb::Move => ephemeral_menu(data, action.inquiry, i.message.id, true),
            Verb::No => ephemeral_menu(data, action.inquiry, i.message.id, false),
            Verb::MoveKind | Verb::MoveFacility | Verb::Reject => match (selected, action.post) {
                (Some(value), Some(post)) => {
                    decide_from_menu(ctx, data, i, &action, post, &value, now).await?
                }
                _ => ephemeral("Choix invalide."),
            },
            Verb::Modal => return Ok(()),
        }
    };
    i.create_response(&ctx.http, response).await?;
    data.wake.notify_one();
    Ok(())
}

/// The answer to an approval: the card shows what was sent and who approved it; the second
/// agent is told who was first; a marker left is refused.
pub(super) fn approval_response(
    r: Result<Outcome, ApproveError>,
    card: &str,
    sent: &str,
    what: &str,
    user: u64,
    now: DateTime<Utc>,
) -> CreateInteractionResponse {
    match r {
        Ok(Outcome::Done) => update(sent_card(card, sent, what, user, now)),
        Ok(Outcome::AlreadyDecided(s)) => ephemeral(already_decided(&s)),
        Err(ApproveError::Markers(list)) => ephemeral(markers_left(&list)),
        Err(e) => {
            tracing::error!(error = %e, "approval failed");
            ephemeral(format!("Approbation impossible : {e}"))
        }
    }
}

/// The card once approved: the answer sent in place of the draft, then who and when.
pub(super) fn sent_card(
    card: &str,
    sent: &str,
    what: &str,
    user: u64,
    now: DateTime<Utc>,
) -> String {
    let section = format!(
        "__Réponse envoyée__\n{}",
        crate::draft::render::text_to_markdown(sent)
    );
    decided_post(card, &section, &outcome_line(what, user, now))
}

/// Why an approval is refused while markers remain.
pub fn markers_left(list: &[String]) -> String {
    format!(
        "Approbation impossible : il reste {} à compléter :\n{}\nUtilisez « Modifier » pour les remplir.",
        labels::markers(list.len()),
        list.iter()
            .map(|m| format!("• {}", crate::draft::render::text_to_markdown(m)))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// The text an approval sends: the latest draft.
pub(super) async fn latest_draft(data: &Data, id: InquiryId) -> Result<String, DiscordError> {
    Ok(data
        .pipeline
        .store
        .drafts(id)
        .await?
        .iter()
        .rev()
        .find_map(|v| v.draft.as_ref().map(|d| d.text.clone()))
        .unwrap_or_default())
}

fn ephemeral_menu(
    data: &Data,
    id: InquiryId,
    post: MessageId,
    reassign: bool,
) -> CreateInteractionResponse {
    let rows = if reassign {
        let kinds = Kind::ALL
            .iter()
            .map(|k| CreateSelectMenuOption::new(labels::kind(*k), k.as_str()))
            .collect();
        let facilities: Vec<_> = Kind::ALL
            .iter()
            .flat_map(|k| data.pipeline.knowledge.faq.catalogue.of_kind(*k))
            .take(25)
            .map(|f| {
                CreateSelectMenuOption::new(
                    f.name.chars().take(100).collect::<String>(),
                    f.id.as_str(),
                )
            })
            .collect();
        vec![
            CreateActionRow::SelectMenu(
                CreateSelectMenu::new(
                    Verb::MoveKind.custom_id(id, Some(post.get())),
                    CreateSelectMenuKind::String { options: kinds },
                )
                .placeholder("Type d'équipement (sans équipement précis)"),
            ),
            CreateActionRow::SelectMenu(
                CreateSelectMenu::new(
                    Verb::MoveFacility.custom_id(id, Some(post.get())),
                    CreateSelectMenuKind::String {
                        options: facilities,
                    },
                )
                .placeholder("Équipement"),
            ),
        ]
    } else {
        let reasons = RejectReason::ALL
            .iter()
            .map(|r| CreateSelectMenuOption::new(labels::reason(r.label()), r.label()))
            .collect();
        vec![CreateActionRow::SelectMenu(
            CreateSelectMenu::new(
                Verb::Reject.custom_id(id, Some(post.get())),
                CreateSelectMenuKind::String { options: reasons },
            )
            .placeholder("Motif du rejet"),
        )]
    };
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(if reassign {
                "Réaffecter à :"
            } else {
                "Rejeter pour :"
            })
            .components(rows)
            .ephemeral(true),
    )
}

async fn decide_from_menu(
    ctx: &Context,
    data: &Data,
    i: &ComponentInteraction,
    action: &Action,
    post: MessageId,
    value: &str,
    now: DateTime<Utc>,
) -> Result<CreateInteractionResponse, DiscordError> {
    let user = i.user.id.get();
    let id = action.inquiry;
    let p = &data.pipeline;
    let (done, what) = match action.verb {
        Verb::Reject => {
            let Ok(reason) = value.parse::<RejectReason>() else {
                return Ok(ephemeral("Motif inconnu."));
            };
            let o = p.reject(id, &actor(user), reason, now).await?;
            (
                o == Outcome::Done,
                format!("Rejetée ({})", labels::reason(value)),
            )
        }
        verb => {
            let (kind, facility) = if verb == Verb::MoveFacility {
                let Ok(f) = FacilityId::parse(value) else {
                    return Ok(ephemeral("Équipement inconnu."));
                };
                let Some(kind) = p.knowledge.faq.catalogue.facility(&f).map(|x| x.kind) else {
                    return Ok(ephemeral("Équipement inconnu."));
                };
                (kind, Some(f))
            } else {
                let Ok(kind) = value.parse::<Kind>() else {
                    return Ok(ephemeral("Type inconnu."));
                };
                (kind, None)
            };
            let name = facility
                .as_ref()
                .and_then(|f| p.knowledge.faq.catalogue.facility(f))
                .map(|f| f.name.as_str());
            let label = match name {
                Some(n) => n.to_string(),
                None => labels::kind(kind).to_string(),
            };
            let ok = p.reassign(id, &actor(user), kind, facility, now).await?;
            (
                ok,
                format!("Réaffectée à {label} (nouveau brouillon publié dans son salon)"),
            )
        }
    };
    if !done {
        return Ok(ephemeral(already_decided(&p.store.standing(id).await?)));
    }
    let reference = p.store.summary(id).await?.reference;
    // The card keeps the citizen's message; the decision takes the draft's place.
    let card = match i.channel_id.message(&ctx.http, post).await {
        Ok(m) => m.content,
        Err(_) => format!("**{reference}**"),
    };
    let section = if action.verb == Verb::Reject {
        let closing = value
            .parse::<RejectReason>()
            .is_ok_and(crate::pipeline::tells_the_citizen);
        format!(
            "__Motif du rejet__ : {}{}",
            labels::reason(value),
            if closing {
                "\nUn court message de clôture est envoyé au citoyen."
            } else {
                ""
            }
        )
    } else {
        String::new()
    };
    let edit = EditMessage::new()
        .content(decided_post(
            &card,
            &section,
            &outcome_line(&what, user, now),
        ))
        .components(Vec::new())
        .allowed_mentions(serenity::all::CreateAllowedMentions::new());
    if let Err(e) = i.channel_id.edit_message(&ctx.http, post, edit).await {
        tracing::warn!(error = %e, "could not edit the agents' post");
    }
    if action.verb != Verb::Reject {
        super::jobs::enqueue_post(data, id, now).await?;
    }
    Ok(update(format!("{what}.")))
}

#[cfg(test)]
mod tests;
