//! The Modifier form: a modal pre-filled with the latest draft; the text the agent sends back is
//! what is approved and sent, and is kept as the latest draft when a marker still blocks it.

use chrono::Utc;
use serenity::all::{
    ActionRowComponent, Context, CreateActionRow, CreateInputText, CreateInteractionResponse,
    CreateModal, InputTextStyle, ModalInteraction,
};

use super::buttons::{actor, approval_response, ephemeral, has_role, parse_custom_id, refusal};
use super::{Data, DiscordError};
use crate::inquiry::{InquiryId, Verb};
use crate::pipeline::ApproveError;

/// Discord's limit for a text input's value.
const MAX_INPUT: u16 = 4000;

pub(super) async fn edit_modal(
    data: &Data,
    id: InquiryId,
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
    let input = CreateInputText::new(InputTextStyle::Paragraph, "Réponse envoyée", "text")
        .value(text)
        .max_length(MAX_INPUT);
    Ok(CreateInteractionResponse::Modal(
        CreateModal::new(Verb::Modal.custom_id(id, None), "Modifier la réponse")
            .components(vec![CreateActionRow::InputText(input)]),
    ))
}

/// The text of an ephemeral response (to add a line to it).
fn response_text(r: &CreateInteractionResponse) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v["data"]["content"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The Modifier modal sent back: the edited text is what is approved and sent.
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
        let text = i
            .data
            .components
            .iter()
            .flat_map(|row| row.components.iter())
            .find_map(|c| match c {
                ActionRowComponent::InputText(t) if t.custom_id == "text" => t.value.clone(),
                _ => None,
            })
            .unwrap_or_default();
        if text.trim().is_empty() {
            ephemeral("Réponse vide : rien n'a été envoyé.")
        } else {
            let now = Utc::now();
            let r = data
                .pipeline
                .approve(action.inquiry, &actor(user), Some(&text), now)
                .await;
            let content = i
                .message
                .as_ref()
                .map(|m| m.content.clone())
                .unwrap_or_default();
            let kept = match &r {
                Err(ApproveError::Markers(_)) => {
                    data.pipeline
                        .keep_agent_text(action.inquiry, &actor(user), &text, now)
                        .await?
                }
                _ => None,
            };
            let response = approval_response(r, &content, "Modifiée et approuvée", user, now);
            match kept {
                Some(version) => ephemeral(format!(
                    "{}\nVotre texte est enregistré (brouillon v{version}) : « Modifier » le rouvre.",
                    response_text(&response)
                )),
                None => response,
            }
        }
    };
    i.create_response(&ctx.http, response).await?;
    data.wake.notify_one();
    Ok(())
}
