//! `guichet demo`: the real pipeline on the bundled sample inquiries, in a temporary SQLite ledger,
//! with a demo agent deciding on some drafts and demo citizens answering some surveys, so the
//! indicators are not empty; then the web dashboard on 127.0.0.1 until Ctrl-C. Nothing leaves the
//! machine: the outbox delivers into files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use clap::Args;
use include_dir::{include_dir, Dir};

use super::ledger::block_on;
use crate::config::Config;
use crate::indicators::render;
use crate::indicators::{GroupBy, ReportQuery};
use crate::inquiry::InquiryId;
use crate::inquiry::{Actor, Channel, Message, RejectReason};
use crate::pipeline::{deliver_due, FileTransport, Incoming, Intake, Knowledge, Pipeline, Route};
use crate::root::Guichet;

static EXAMPLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/examples");

/// The demo agent's name in the ledger.
const AGENT: &str = "agent-demo";
/// The demo dashboard account (quality staff), created in the temporary data directory.
pub const DEMO_USER: &str = "qualite";
pub const DEMO_PASSWORD: &str = "demo-qualite";
/// The demo console account (an agent, who may approve).
pub const DEMO_AGENT: &str = "agent";
pub const DEMO_AGENT_PASSWORD: &str = "demo-agent";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Port of the web dashboard on 127.0.0.1.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Only run the pipeline and print the report; do not serve the dashboard.
    #[arg(long)]
    pub no_serve: bool,
}

/// One sample inquiry, read from the embedded examples.
struct Sample {
    name: String,
    channel: Channel,
    message: Message,
}

fn samples() -> anyhow::Result<Vec<Sample>> {
    let mut out = Vec::new();
    for (folder, channel) in [("mail", Channel::Mail), ("chat", Channel::Chat)] {
        let dir = EXAMPLES
            .get_dir(folder)
            .context("examples folder missing from the binary")?;
        let mut files: Vec<_> = dir.files().collect();
        files.sort_by_key(|f| f.path());
        for file in files {
            let name = file.path().display().to_string();
            let message = match channel {
                Channel::Chat => Message::chat(file.contents_utf8().unwrap_or_default()),
                _ => crate::mail::parse(file.contents(), &crate::mail::Limits::default())
                    .with_context(|| format!("example {name}"))?,
            };
            out.push(Sample {
                name,
                channel,
                message,
            });
        }
    }
    Ok(out)
}

/// A fresh data directory under the system's temp dir.
fn demo_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "guichet-demo-{}-{}",
        std::process::id(),
        Utc::now().timestamp()
    ));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

pub fn demo(config: &Config, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let dir = demo_dir()?;
    let mut config = config.clone();
    config.data_dir = dir.clone();
    config.database_url = None;
    let base = format!("http://127.0.0.1:{}", args.port);
    config.web.base_url = Some(base.clone());
    config.web.secret = None;
    config.web.users = vec![
        crate::config::WebUser {
            name: DEMO_USER.to_string(),
            role: "qualite".to_string(),
            hash: crate::web::hash_password(DEMO_PASSWORD)?,
        },
        crate::config::WebUser {
            name: DEMO_AGENT.to_string(),
            role: "agent".to_string(),
            hash: crate::web::hash_password(DEMO_AGENT_PASSWORD)?,
        },
    ];
    let samples = samples()?;
    println!("guichet demo — données dans {}", dir.display());
    block_on(async {
        // Bind first: a port already taken fails at once, before any work.
        let listener = if args.no_serve {
            None
        } else {
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], args.port));
            Some(
                tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr} (use --port)"))?,
            )
        };
        let guichet = Guichet::from_config(&config).await?;
        let survey = run(&guichet.pipeline, &samples, &dir).await?;
        let Some(listener) = listener else {
            return Ok(());
        };
        let state = guichet.web(&config)?;
        let month = chrono::Utc::now().format("%Y-%m");
        println!("\nTableau de bord : {base}/  (identifiant « {DEMO_USER} », mot de passe « {DEMO_PASSWORD} », rôle qualite)");
        println!("Console         : {base}/console  (identifiant « {DEMO_AGENT} », mot de passe « {DEMO_AGENT_PASSWORD} », rôle agent)");
        println!("Nous écrire     : {base}/contact");
        println!("Indicateurs     : {base}/indicateurs");
        println!("Transparence    : {base}/transparence?mois={month}");
        if let Some(link) = survey {
            println!("Avis (exemple)  : {link}");
        }
        println!("Ctrl-C pour arrêter.");
        crate::web::serve_on(state, listener, crate::service::shutdown_signal()).await?;
        println!("\nArrêté.");
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Demo citizens answer the survey of about two answered inquiries in three; returns the survey
/// link of an answered inquiry left without an answer (to try the form).
async fn answer_surveys(
    store: &crate::store::Store,
    knowledge: &Knowledge,
    answered: &[InquiryId],
) -> anyhow::Result<Option<String>> {
    const RATINGS: [u8; 8] = [5, 4, 5, 3, 4, 2, 5, 4];
    const COMMENTS: [&str; 3] = [
        "Réponse rapide et claire, merci.",
        "J'aurais aimé avoir les horaires exacts.",
        "Très bon accueil.",
    ];
    let mut left = None;
    for (n, id) in answered.iter().enumerate() {
        if n % 3 == 2 {
            if let Some(links) = &knowledge.survey {
                left.get_or_insert_with(|| links.link(*id));
            }
            continue;
        }
        let comment = (n % 4 == 0).then(|| COMMENTS[n / 4 % COMMENTS.len()]);
        store
            .record_survey_answer(*id, RATINGS[n % RATINGS.len()], comment, Utc::now())
            .await?;
    }
    Ok(left)
}

async fn run(
    pipeline: &Pipeline,
    samples: &[Sample],
    dir: &Path,
) -> anyhow::Result<Option<String>> {
    let store = pipeline.store.clone();
    let mail = FileTransport {
        name: "mail".into(),
        dir: dir.join("outbox/mail"),
    };
    let chat = FileTransport {
        name: "discord".into(),
        dir: dir.join("outbox/discord"),
    };
    // Spread the samples over the last four weeks, as if they had arrived one by one.
    let start = Utc::now() - Duration::days(28);
    let step = Duration::minutes(28 * 24 * 60 / samples.len().max(1) as i64);
    let mut recorded: Vec<(usize, InquiryId, DateTime<Utc>)> = Vec::new();
    println!(
        "\n{:<58} {:<14} {:<36} {:<12} statut",
        "exemple", "type", "équipement", "sujet"
    );
    for (i, sample) in samples.iter().enumerate() {
        let received = start + step * i as i32;
        let route = match sample.channel {
            Channel::Chat => Route::Discord {
                // Discord ids are numbers (snowflakes): the demo's are small ones.
                channel_id: "1000".into(),
                message_id: (2000 + i).to_string(),
            },
            _ => Route::mail(&sample.message),
        };
        let incoming = Incoming {
            channel: sample.channel,
            source_key: format!("demo:{}", sample.name),
            received_at: received,
            message: sample.message.clone(),
            route,
            history: false,
        };
        let Intake::Created { id, automatic, .. } = pipeline.ingest(&incoming, received).await?
        else {
            continue;
        };
        deliver_due(&store, &mail, received + Duration::minutes(1)).await?;
        let s = store.summary(id).await?;
        let c = &s.classification;
        let facility = c.facility.as_ref().map(|f| f.as_str()).unwrap_or("-");
        let status = if automatic {
            "automatique (jamais de réponse)".to_string()
        } else {
            s.status.to_string()
        };
        println!(
            "{:<58} {:<14} {:<36} {:<12} {}",
            sample.name,
            c.kind.as_str(),
            facility,
            c.topic.as_str(),
            status
        );
        if !automatic {
            recorded.push((i, id, received));
        }
    }

    // The demo agent decides on two thirds of the drafts, 0 to 6 days after receipt; markers are
    // filled with a visible demo text, never with invented facts.
    let mut approved = 0;
    let mut answered = Vec::new();
    for (i, id, received) in &recorded {
        if i % 3 == 2 {
            continue;
        }
        let at = *received + Duration::hours(3 + (*i as i64 * 37) % (6 * 24));
        if at > Utc::now() {
            continue;
        }
        if i % 11 == 5 {
            pipeline
                .reject(*id, &Actor::from(AGENT), RejectReason::Doublon, at)
                .await?;
            continue;
        }
        let latest = store
            .drafts(*id)
            .await?
            .into_iter()
            .rev()
            .find_map(|v| v.draft);
        let Some(latest) = latest else { continue };
        let filled = fill_markers(&latest.text);
        let edited = (filled != latest.text).then_some(filled.as_str());
        pipeline
            .approve(*id, &Actor::from(AGENT), edited, at)
            .await?;
        deliver_due(&store, &mail, at + Duration::minutes(2)).await?;
        deliver_due(&store, &chat, at + Duration::minutes(2)).await?;
        approved += 1;
        answered.push(*id);
    }
    let survey = answer_surveys(&store, &pipeline.knowledge, &answered).await?;
    super::demo_learn::show(pipeline, &Actor::from(AGENT), &answered).await?;
    println!("\n{} demandes enregistrées, {approved} réponses approuvées par « {AGENT} » et envoyées dans {}", recorded.len(), dir.join("outbox").display());

    let query = ReportQuery {
        from: None,
        to: None,
        by: vec![GroupBy::Kind],
        today: crate::calendar::paris_date(Utc::now()),
    };
    let rows = store.report(&query).await?;
    println!("\nIndicateurs Qualivilles par type d'équipement (guichet report --by kind) :\n");
    print!(
        "{}",
        render::report(&query.by, &rows, render::Format::Table)
    );
    println!(
        "\nPour explorer : guichet --database sqlite://{} report --by facility,month",
        dir.join("guichet.db").display()
    );
    Ok(survey)
}

/// Replaces every `[[à compléter : …]]` marker with a visible demo sentence.
fn fill_markers(text: &str) -> String {
    let mut out = text.to_string();
    for what in crate::draft::markers(text) {
        out = out.replace(
            &crate::draft::marker(&what),
            &format!("(démonstration : ici l'agent indique {what})"),
        );
    }
    out
}
