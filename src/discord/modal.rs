//! The Modifier form and its confirmation: a modal pre-filled with the latest draft, labelled
//! « Réponse à envoyer »; what the agent submits is kept as the latest draft and shown back in an
//! ephemeral preview with « Envoyer » (approves exactly that version) and « Modifier encore ».
//! Nothing leaves on the submit alone, and a text that still has a marker is kept, not lost.
//! When the draft had markers, a second field « Enregistrer pour les prochaines réponses » (see
//! `keep`) turns the values typed in their place into facts proposed to an admin, at once.

use chrono::{DateTime, Utc};
use serenity::all::{
    ActionRowComponent, ButtonStyle, ComponentInteraction, Context, CreateActionRow, CreateButton,
    CreateInputText, CreateInteractionResponse, CreateInteractionResponseMessage, CreateModal,
    InputTextStyle, MessageId, ModalInteraction,
};

use super::buttons::{
    actor, already_decided, approval_response, ephemeral, has_role, markers_left, parse_custom_id,
    refusal, sent_card, update, Action,
};
use super::keep::{self, Keep};
use super::{Data, DiscordError};
use crate::calendar::paris_date;
use crate::draft::markers;
use crate::draft::render::text_to_markdown;
use crate::inquiry::{InquiryId, Outcome, Verb};
use crate::labels;

/// Discord's limit for a text input's value.
const MAX_INPUT: u16 = 4000;
/// What the preview shows of the text.
const MAX_PREVIEW: usize = 1500;

/// The form, for the card `post` (so the confirmation can update it).
pub(super) async fn edit_modal(
    data: &Data,
    id: InquiryId,
    post: MessageId,
) -> Result<CreateInteractionResponse, DiscordError> {
    let drafts = data.pipeline.store.drafts(id).await?;
    let Some(text) = drafts
        .iter()
        .rev()
        .find_map(|v| v.draft.as_ref().map(|d| d.text.clone()))
    else {
        return Ok(ephemeral("Aucun brouillon à modifier."));
    };
    if text.chars().count() > usize::from(MAX_INPUT) {
        return Ok(ephemeral(format!(
            "Brouillon trop long pour Discord : modifiez-le dans la console <{}>.",
            data.settings.console_link(id.0)
        )));
    }
    let input = CreateInputText::new(InputTextStyle::Paragraph, "Réponse à envoyer", "text")
        .value(text)
        .max_length(MAX_INPUT);
    let mut rows = vec![CreateActionRow::InputText(input)];
    let had_markers = drafts
        .iter()
        .filter_map(|v| v.draft.as_ref())
        .any(|d| !markers(&d.text).is_empty());
    if had_markers {
        let input = CreateInputText::new(InputTextStyle::Short, keep::LABEL, keep::FIELD)
            .placeholder(keep::HINT)
            .max_length(20)
            .required(false);
        rows.push(CreateActionRow::InputText(input));
    }
    Ok(CreateInteractionResponse::Modal(
        CreateModal::new(
            Verb::Modal.custom_id(id, Some(post.get())),
            "Modifier la réponse",
        )
        .components(rows),
    ))
}

/// The agent's text becomes the latest draft (unless it is the latest already); None when the
/// inquiry is no longer waiting.
async fn keep_agent_text(
    data: &Data,
    id: InquiryId,
    text: &str,
    user: u64,
    now: DateTime<Utc>,
) -> Result<Option<u32>, DiscordError> {
    let drafts = data.pipeline.store.drafts(id).await?;
    let latest = drafts
        .iter()
        .rev()
        .find_map(|v| v.draft.as_ref().map(|d| (v.version, d.text.as_str())));
    if let Some((version, latest)) = latest {
        if latest == text && data.pipeline.store.standing(id).await?.status.is_open() {
            return Ok(Some(version));
        }
    }
    Ok(data
        .pipeline
        .keep_agent_text(id, &actor(user), text, now)
        .await?)
}

/// The preview of a submitted text: Envoyer (that version) and Modifier encore, or only
/// Modifier encore while a marker remains.
fn preview(
    id: InquiryId,
    post: MessageId,
    version: u32,
    text: &str,
    note: Option<String>,
) -> CreateInteractionResponse {
    let left = markers(text);
    let shown = crate::discord::post::escaped_within(text, MAX_PREVIEW).0;
    let mut buttons = Vec::new();
    let head = if left.is_empty() {
        buttons.push(
            CreateButton::new(format!(
                "{}:{version}",
                Verb::Send.custom_id(id, Some(post.get()))
            ))
            .label("Envoyer")
            .style(ButtonStyle::Success),
        );
        format!("**Réponse à envoyer** (brouillon v{version}) — vérifiez, puis « Envoyer » :")
    } else {
        format!(
            "{}\nVotre texte est enregistré (brouillon v{version}) : « Modifier encore » le rouvre.",
            markers_left(&left)
        )
    };
    let head = match note {
        Some(note) => format!("{note}\n{head}"),
        None => head,
    };
    buttons.push(
        CreateButton::new(Verb::Edit.custom_id(id, Some(post.get())))
            .label("Modifier encore")
            .style(ButtonStyle::Secondary),
    );
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(format!("{head}\n\n{shown}"))
            .components(vec![CreateActionRow::Buttons(buttons)])
            .ephemeral(true)
            .allowed_mentions(serenity::all::CreateAllowedMentions::new()),
    )
}

/// « Enregistrer pour les prochaines réponses »: the values typed in place of the draft's markers
/// become proposals for an admin; what the agent is told (None when nothing was asked).
async fn keep_values(
    data: &Data,
    id: InquiryId,
    text: &str,
    user: u64,
    wanted: Result<Keep, String>,
    now: DateTime<Utc>,
) -> Result<Option<String>, DiscordError> {
    let until = match wanted {
        Ok(Keep::No) => return Ok(None),
        Ok(Keep::Yes(until)) => until,
        Err(refused) => {
            return Ok(Some(format!(
                "⚠️ {refused}\nRien n'a été enregistré pour les prochaines réponses."
            )))
        }
    };
    let n = data
        .pipeline
        .keep_filled_facts(id, &actor(user), text, until, now)
        .await?;
    let end = until
        .map(|d| format!(" (jusqu'au {})", d.format("%d/%m/%Y")))
        .unwrap_or_default();
    Ok(Some(if n == 0 {
        "Rien à enregistrer pour les prochaines réponses : aucune valeur saisie à la place d'un \
         marqueur ne correspond à un fait du catalogue."
            .to_string()
    } else {
        let values = labels::count(n as i64, "valeur proposée", "valeurs proposées");
        format!("{values} aux administrateurs pour les prochaines réponses{end}.")
    }))
}

/// The Modifier form sent back: kept as the latest draft, shown for confirmation.
pub async fn on_modal(
    ctx: &Context,
    data: &Data,
    i: &ModalInteraction,
) -> Result<(), DiscordError> {
    let Some(action) = parse_custom_id(&i.data.custom_id).filter(|a| a.verb == Verb::Modal) else {
        return Ok(());
    };
    let user = i.user.id.get();
    let response = if !has_role(i.member.as_ref(), data.settings.agent_role) {
        refusal(user, &i.data.custom_id)
    } else {
        let field = |name: &str| {
            i.data
                .components
                .iter()
                .flat_map(|row| row.components.iter())
                .find_map(|c| match c {
                    ActionRowComponent::InputText(t) if t.custom_id == name => t.value.clone(),
                    _ => None,
                })
                .unwrap_or_default()
        };
        let text = field("text");
        let now = Utc::now();
        let wanted = keep::parse(&field(keep::FIELD), paris_date(now));
        let post = action
            .post
            .or_else(|| i.message.as_ref().map(|m| m.id))
            .unwrap_or(MessageId::new(1));
        if text.trim().is_empty() {
            ephemeral("Réponse vide : rien n'a été envoyé.")
        } else {
            match keep_agent_text(data, action.inquiry, &text, user, now).await? {
                Some(version) => {
                    let note = keep_values(data, action.inquiry, &text, user, wanted, now).await?;
                    preview(action.inquiry, post, version, &text, note)
                }
                None => ephemeral(already_decided(
                    &data.pipeline.store.standing(action.inquiry).await?,
                )),
            }
        }
    };
    i.create_response(&ctx.http, response).await?;
    Ok(())
}

/// « Envoyer » under a preview: approves exactly the previewed version (refused if the draft
/// changed meanwhile), then the card shows what was sent and who sent it.
pub(super) async fn on_send(
    ctx: &Context,
    data: &Data,
    i: &ComponentInteraction,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<CreateInteractionResponse, DiscordError> {
    let id = action.inquiry;
    let drafts = data.pipeline.store.drafts(id).await?;
    let latest = drafts
        .iter()
        .rev()
        .find_map(|v| v.draft.as_ref().map(|d| (v.version, d.text.clone())));
    let Some((version, text)) = latest else {
        return Ok(ephemeral("Aucun brouillon à envoyer."));
    };
    if action.version != Some(version) {
        return Ok(ephemeral(
            "Le brouillon a changé depuis cet aperçu : rouvrez « Modifier ».",
        ));
    }
    let user = i.user.id.get();
    let r = data
        .pipeline
        .approve(id, &actor(user), Some(&text), now)
        .await;
    let done = matches!(r, Ok(Outcome::Done));
    let response = approval_response(r, "", &text, "Modifiée et approuvée", user, now);
    if !done {
        return Ok(response);
    }
    if let Some(post) = action.post.filter(|p| p.get() > 1) {
        let card = i
            .channel_id
            .message(&ctx.http, post)
            .await
            .map(|m| m.content)
            .unwrap_or_default();
        let edit = serenity::all::EditMessage::new()
            .content(sent_card(&card, &text, "Modifiée et approuvée", user, now))
            .components(Vec::new())
            .allowed_mentions(serenity::all::CreateAllowedMentions::new());
        if let Err(e) = i.channel_id.edit_message(&ctx.http, post, edit).await {
            tracing::warn!(error = %e, "could not update the agents' post");
        }
    }
    Ok(update(format!(
        "Réponse envoyée :\n\n{}",
        text_to_markdown(&text)
            .chars()
            .take(MAX_PREVIEW)
            .collect::<String>()
    )))
}
