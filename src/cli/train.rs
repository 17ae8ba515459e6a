//! `thresh train`: fits the judgement's line model on labelled documents and writes it.

use std::io::Write;
use std::process::ExitCode;

use thresh::model::train::TrainOptions;
use thresh::train::{fit_rows, leave_one_source_out, Score, TrainingInputs, TrainingRows};
use thresh::write::atomic::AtomicFile;

use super::args::TrainArgs;
use super::build_rules;

pub(crate) fn train(args: TrainArgs) -> anyhow::Result<ExitCode> {
    if args.gold.is_none() && args.snippets.is_empty() {
        anyhow::bail!("nothing to train on: give --gold GOLD_DIR with --view DIR, or --snippets FILE");
    }
    if args.rules.model.is_some() {
        anyhow::bail!("--model chooses the model to clean with; train writes a new one to --output");
    }
    if args.trees == 0
        || args.learning_rate == 0.0
        || args.min_child_weight.is_nan()
        || args.min_child_weight < 0.0
    {
        anyhow::bail!("--trees and --learning-rate must be above 0, --min-child-weight 0 or more");
    }
    let mut cleaner = thresh::Cleaner::with_model(build_rules(&args.rules)?, None);
    let inputs = TrainingInputs {
        gold: args.gold.clone(),
        views: args.views.clone(),
        snippets: args.snippets.clone(),
    };
    let docs = inputs.read()?;
    if docs.is_empty() {
        anyhow::bail!("no labelled document found (a view needs files named like the gold's)");
    }
    let options = TrainOptions {
        trees: args.trees,
        depth: args.depth as usize,
        learning_rate: args.learning_rate,
        min_child_weight: args.min_child_weight,
        ..TrainOptions::default()
    };
    let rows = TrainingRows::collect(&mut cleaner, &docs, &options, args.passes as usize);
    let mut model = fit_rows(rows.without(None), &options);
    let count = |source: &str| docs.iter().filter(|d| d.source == source).count();
    model.trained_on = rows.sources().iter().map(|s| format!("{s}: {} documents", count(s))).collect();
    let mut file = AtomicFile::create(&args.output)?;
    file.write_all(model.to_json().as_bytes())?;
    file.commit()?;
    let row_count: usize = rows.without(None).iter().map(|d| d.len()).sum();
    eprintln!(
        "thresh: trained {} trees on {row_count} rows of {} documents; wrote {}",
        model.trees.len(),
        docs.len(),
        args.output.display()
    );
    if args.cross_validate {
        let table = leave_one_source_out(&mut cleaner, &docs, &rows, &model, &options);
        let mut out = std::io::stdout().lock();
        if args.json {
            serde_json::to_writer_pretty(&mut out, &table)?;
            writeln!(out)?;
        } else {
            writeln!(out, "| source | documents | rounds alone | all sources | source left out |")?;
            writeln!(out, "|---|---|---|---|---|")?;
            for row in &table {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    row.source,
                    row.documents,
                    shown(row.rounds),
                    shown(row.all_sources),
                    shown(row.left_out)
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// F1, or keep/drop shares for snippets.
fn shown(score: Score) -> String {
    match (score.f1, score.keep, score.drop) {
        (Some(f1), _, _) => format!("F1 {f1:.4}"),
        (None, Some(keep), Some(drop)) => format!("keep {keep:.3} / drop {drop:.3}"),
        _ => "-".into(),
    }
}
