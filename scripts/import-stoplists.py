#!/usr/bin/env python3
"""Writes rules/stopwords/<code>.txt for the languages thresh takes from jusText's stoplists.

jusText (BSD-2-Clause, (c) 2011 Jan Pomikalek, 2013 Michal Belica) ships one list per language,
the most frequent words of its Wikipedia, made so that one pair of thresholds serves them all.
thresh keeps its own shorter lists for English, German, French, Spanish, Italian, Portuguese,
Russian and Ukrainian, which its thresholds were tuned on, and takes jusText's lists for the
languages that whatlang can detect. The lists are kept as they are, in their order, except that
an entry is written folded as thresh folds words (lower case, typographic apostrophes as '),
without the punctuation jusText's whitespace tokens carry ("is." is "is", kept once), and only
when it is then one word of letters as thresh splits words (letters, apostrophes inside, and the
vowel signs of Indic scripts; no digits). Usage:

    pip download --no-deps justext==3.0.2 -d /tmp/justext && unzip -q /tmp/justext/*.whl -d /tmp/justext
    scripts/import-stoplists.py /tmp/justext/justext/stoplists
"""
import os
import sys
import unicodedata

# jusText's file name -> (ISO 639-1 code, whatlang's code). Only languages whatlang detects.
LANGUAGES = {
    "Afrikaans": ("af", "Afr"), "Arabic": ("ar", "Ara"), "Armenian": ("hy", "Hye"),
    "Azerbaijani": ("az", "Aze"), "Belarusian": ("be", "Bel"), "Bengali": ("bn", "Ben"),
    "Bulgarian": ("bg", "Bul"), "Catalan": ("ca", "Cat"), "Croatian": ("hr", "Hrv"),
    "Czech": ("cs", "Ces"), "Danish": ("da", "Dan"), "Dutch": ("nl", "Nld"),
    "Esperanto": ("eo", "Epo"), "Estonian": ("et", "Est"), "Finnish": ("fi", "Fin"),
    "Georgian": ("ka", "Kat"), "Greek": ("el", "Ell"), "Gujarati": ("gu", "Guj"),
    "Hebrew": ("he", "Heb"), "Hindi": ("hi", "Hin"), "Hungarian": ("hu", "Hun"),
    "Indonesian": ("id", "Ind"), "Javanese": ("jv", "Jav"), "Kannada": ("kn", "Kan"),
    "Korean": ("ko", "Kor"), "Latin": ("la", "Lat"), "Latvian": ("lv", "Lav"),
    "Lithuanian": ("lt", "Lit"), "Macedonian": ("mk", "Mkd"), "Malayalam": ("ml", "Mal"),
    "Marathi": ("mr", "Mar"), "Nepali": ("ne", "Nep"), "Norwegian_Bokmal": ("nb", "Nob"),
    "Persian": ("fa", "Pes"), "Polish": ("pl", "Pol"), "Romanian": ("ro", "Ron"),
    "Serbian": ("sr", "Srp"), "Slovak": ("sk", "Slk"), "Slovenian": ("sl", "Slv"),
    "Swedish": ("sv", "Swe"), "Tagalog": ("tl", "Tgl"), "Tamil": ("ta", "Tam"),
    "Telugu": ("te", "Tel"), "Turkish": ("tr", "Tur"), "Turkmen": ("tk", "Tuk"),
    "Urdu": ("ur", "Urd"), "Uzbek": ("uz", "Uzb"), "Vietnamese": ("vi", "Vie"),
}

# Indic vowel signs and viramas are marks, not letters, but belong inside a word (see
# `language::is_word_char`); the dandas end sentences.
def is_word_char(c):
    code = ord(c)
    if 0x900 <= code <= 0xDFF and code not in (0x964, 0x965, 0x970):
        return not unicodedata.category(c).startswith("N") or c.isalpha()
    return c.isalpha() or c == "'"


def strip_punctuation(word):
    start, end = 0, len(word)
    while start < end and not is_letter_or_mark(word[start]):
        start += 1
    while end > start and not is_letter_or_mark(word[end - 1]):
        end -= 1
    return word[start:end]


def is_letter_or_mark(c):
    return is_word_char(c) and c != "'"


def fold(word):
    return unicodedata.normalize("NFC", word.strip()).replace("\u2019", "'").replace("\u2018", "'").lower()


# The script of each list that is not in Latin letters (Unicode's name for it); an entry with a
# letter of another script (an English word in the Marathi list) is left out.
SCRIPTS = {'ar': 'ARABIC', 'fa': 'ARABIC', 'ur': 'ARABIC', 'hy': 'ARMENIAN', 'be': 'CYRILLIC', 'bg': 'CYRILLIC', 'mk': 'CYRILLIC', 'sr': 'CYRILLIC', 'bn': 'BENGALI', 'ka': 'GEORGIAN', 'el': 'GREEK', 'gu': 'GUJARATI', 'he': 'HEBREW', 'hi': 'DEVANAGARI', 'mr': 'DEVANAGARI', 'ne': 'DEVANAGARI', 'kn': 'KANNADA', 'ko': 'HANGUL', 'ml': 'MALAYALAM', 'ta': 'TAMIL', 'te': 'TELUGU'}


def in_script(word, script):
    return all(unicodedata.name(c, "").startswith(script) for c in word if c.isalpha())


def main(source):
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rules", "stopwords")
    for name, (code, _) in sorted(LANGUAGES.items()):
        with open(os.path.join(source, name + ".txt"), encoding="utf-8") as f:
            entries = [fold(line) for line in f]
        seen, words = set(), []
        for entry in entries:
            word = strip_punctuation(entry)
            script = SCRIPTS.get(code, "LATIN")
            if word and all(is_word_char(c) for c in word) and in_script(word, script) and word not in seen:
                seen.add(word)
                words.append(word)
        header = (
            f"# {name.replace('_', ' ')} stopwords from jusText 3.0.2 (BSD-2-Clause, see LICENSE-justext),\n"
            f"# most frequent first; written by scripts/import-stoplists.py, do not edit by hand.\n"
        )
        with open(os.path.join(out_dir, code + ".txt"), "w", encoding="utf-8") as f:
            f.write(header + "".join(w + "\n" for w in words))
        print(f"{code} {name}: {len(words)} of {len(entries)}")


if __name__ == "__main__":
    main(sys.argv[1])
