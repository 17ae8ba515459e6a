//! `thresh learn`: rule proposals from lines that repeat across a corpus.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use thresh::learn::{render_pack, slug, LearnOptions, Learner};
use thresh::read::documents::for_each_document;
use thresh::read::plan;
use thresh::write::atomic::AtomicFile;
use thresh::Cleaner;

use super::args::LearnArgs;
use super::{read_options, rule_builder, EXIT_INPUT_FAILED, EXIT_USAGE};

pub(crate) fn learn(args: LearnArgs) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.min_share) {
        anyhow::bail!("--min-share must be between 0.0 and 1.0, not {}", args.min_share);
    }
    // Proposals name what the rules miss; the heuristics are left out so that a rule is
    // proposed for chrome they would catch only by judgement.
    let mut builder = rule_builder(&args.rules)?;
    builder.disable("heuristics");
    let cleaner = Cleaner::new(builder.build()?);
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!("thresh: learn reads files and directories, not standard input (`-`): save the corpus to files first");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let format = args.documents.format.format();
    let options = read_options(&args.documents, &args.input, args.max_document_size)?;
    let planned = plan::plan(&args.paths, &args.walk.options(format))?;
    for (path, why) in &planned.passed_over {
        eprintln!("thresh: {}: {why}", path.display());
    }
    let jobs = planned.jobs;
    let mut learner = Learner::new();
    let mut failed = false;
    let mut documents = 0u64;
    for job in &jobs {
        let result = for_each_document(job, &options, |doc| {
            documents += 1;
            learner.add_document(&cleaner, doc.name, doc.url, doc.text);
        });
        match result {
            Ok(0) => {}
            Ok(skipped) => eprintln!(
                "thresh: {}: {skipped} records skipped (not a JSON object with a string `{}` field, or over --max-document-size)",
                job.input.display(),
                args.documents.text_field
            ),
            Err(e) => {
                eprintln!("thresh: {}: {e}", job.input.display());
                failed = true;
            }
        }
    }
    let sites = learner.proposals(LearnOptions { min_docs: args.min_docs, min_share: args.min_share });
    let out = &args.output;
    let mut targets: Vec<(std::path::PathBuf, String)> =
        sites.iter().map(|s| (out.join(format!("{}.toml", slug(&s.site))), render_pack(s))).collect();
    let mut index = String::from("# Packs proposed by `thresh learn`; load them all with --rules this file.\n[pack]\nname = \"learned\"\ninclude = [\n");
    for site in &sites {
        index.push_str(&format!("  \"{}.toml\",\n", slug(&site.site)));
    }
    index.push_str("]\n");
    targets.push((out.join("learned.toml"), index));
    if !args.force {
        if let Some((existing, _)) = targets.iter().find(|(path, _)| path.exists()) {
            eprintln!("thresh: {} exists; pass --force to replace earlier proposals", existing.display());
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    }
    for (path, text) in &targets {
        let mut file =
            AtomicFile::create(path).with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.commit())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let rules: usize = sites.iter().map(|s| s.proposals.len()).sum();
    eprintln!(
        "thresh: {documents} documents, {} sites with proposals, {rules} rules proposed in {}; review them, then use --rules {}",
        sites.len(),
        out.display(),
        out.join("learned.toml").display()
    );
    Ok(if failed { ExitCode::from(EXIT_INPUT_FAILED) } else { ExitCode::SUCCESS })
}
