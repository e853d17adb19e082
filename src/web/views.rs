//! Server-rendered HTML: the handlebars templates of `templates/web/` (HTML-escaped, strict mode),
//! and the page layout around them.

use handlebars::Handlebars;
use serde_json::{json, Value};

use crate::assets::Source;

/// French label of a facility kind (plural, as in the charts' legends).
pub fn kind_label(kind: &str) -> &str {
    match kind {
        "siege" => "Siège",
        "piscine" => "Piscines",
        "conservatoire" => "Conservatoires",
        "mediatheque" => "Médiathèques",
        "theatre" => "Théâtres",
        "autre" => "Autres",
        other => other,
    }
}

/// French label of a channel.
pub fn channel_label(channel: &str) -> &str {
    match channel {
        "mail" => "Courriel",
        "chat" => "Messagerie",
        "formulaire" => "Formulaire",
        "courrier" => "Courrier",
        "telephone" => "Téléphone",
        "accueil" => "Accueil",
        other => other,
    }
}

/// French label of a workflow status.
pub fn status_label(status: &str) -> &str {
    match status {
        "received" => "Reçue",
        "drafted" => "Brouillon à valider",
        "approved" => "Approuvée (envoi en cours)",
        "sent" => "Réponse envoyée",
        "rejected" => "Rejetée",
        "automatic" => "Message automatique",
        "answered" => "Répondue hors guichet",
        other => other,
    }
}

pub const STATUSES: [&str; 7] = [
    "received",
    "drafted",
    "approved",
    "sent",
    "rejected",
    "automatic",
    "answered",
];

/// A web template could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("{file}: {message}")]
    Template { file: String, message: String },
    #[error("rendering {template}: {message}")]
    Render { template: String, message: String },
    #[error(transparent)]
    Asset(#[from] crate::assets::AssetError),
}

/// The loaded web templates.
#[derive(Debug)]
pub struct Views {
    registry: Handlebars<'static>,
}

impl Views {
    /// Loads `web/*.hbs` from the configured templates, or the embedded ones when the configured
    /// directory has no `web/` folder.
    pub fn load(source: &Source) -> Result<Views, ViewError> {
        let mut files = source.read_all("web", ".hbs")?;
        if files.is_empty() {
            files = Source::embedded_templates().read_all("web", ".hbs")?;
        }
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        for file in files {
            let name = file.relative.trim_end_matches(".hbs").to_string();
            registry
                .register_template_string(&name, &file.text)
                .map_err(|e| ViewError::Template {
                    file: file.name.clone(),
                    message: e.to_string(),
                })?;
        }
        Ok(Views { registry })
    }

    /// Renders one template.
    pub fn render(&self, name: &str, data: &Value) -> Result<String, ViewError> {
        self.registry
            .render(name, data)
            .map_err(|e| ViewError::Render {
                template: name.to_string(),
                message: e.to_string(),
            })
    }

    /// A whole page: `template` rendered with `data`, inside the layout. `nav` is the logged-in
    /// user's menu (null for public pages).
    pub fn page(
        &self,
        title: &str,
        template: &str,
        data: &Value,
        nav: Value,
    ) -> Result<String, ViewError> {
        let body = self.render(template, data)?;
        // Pages for the public may be in English (`"en": true` in their data).
        let en = data.get("en").and_then(Value::as_bool).unwrap_or(false);
        self.render(
            "web/layout",
            &json!({ "title": title, "body": body, "nav": nav, "en": en }),
        )
    }
}
