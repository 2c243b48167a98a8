// Names, mentions and links in message text, shared by the views and the store. The same rules
// as the server's (chat.text.NameFolding.forSearch, chat.reads.control.Mentions).

/** Accents removed and lower case, as the directory compares names. */
export const fold = (name) => String(name).normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();

const NAME_CHAR = '[\\p{L}\\p{M}\\p{Nd}_\\-]';
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const mentionPatterns = new Map();

/** Whether the text mentions the user: "@name", not inside a longer name, case-insensitive. */
export function mentions(text, username) {
    let pattern = mentionPatterns.get(username);
    if (!pattern) {
        // In NFC, both, and on through a name's accents, as the server matches (chat.reads.control.Mentions).
        pattern = new RegExp(`(?<![\\p{L}\\p{M}\\p{Nd}_.\\-])@${escapeRegExp(String(username).normalize('NFC'))}(?!${NAME_CHAR}|\\.${NAME_CHAR})`, 'iu');
        mentionPatterns.set(username, pattern);
    }
    return pattern.test(String(text).normalize('NFC'));
}

// A candidate link: http(s):// up to white space; trailing punctuation is the sentence's, not the link's.
const LINK = /\bhttps?:\/\/[^\s<>"']+/giu;
const MENTION = /(?<![\p{L}\p{M}\p{Nd}_.\-])@[\p{L}\p{M}\p{Nd}_.\-]+/gu;
// Bidirectional controls (U+061C, U+200E-F, U+202A-E, U+2066-9) would let a link read otherwise than where it leads
// ("https://example.com/\u202Egpj.exe" shows as ".../exe.jpg"): a link shows its text without them (and the view isolates it).
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/** The URL if the text is a safe link (http or https, parsed by the browser), else null. */
export function safeUrl(text) {
    try {
        const url = new URL(text);
        return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
    } catch (notAUrl) {
        return null;
    }
}

/**
 * A link as it is shown and opened: as typed, unless the host typed is not the one the browser reaches
 * (look-alike letters or slashes in it, which it turns into punycode, a "name@" before it, escapes); then as
 * the browser will open it, without the "name@". "https://github.com\u2215org\u2215x.evil.example/" read as a
 * GitHub address and opened github.xn--orgx-….evil.example (found from outside).
 */
function link(typed, url) {
    const typedHost = typed.replace(/^https?:\/\//iu, '').split(/[/?#]/u)[0];
    if (url.username === '' && url.password === '' && typedHost.toLowerCase() === url.host) {
        return { href: url.href, text: typed.replace(BIDI_CONTROLS, '') };
    }
    const reached = `${url.protocol}//${url.host}${url.pathname}${url.search}${url.hash}`;
    return { href: reached, text: reached };
}

/**
 * Splits message text into pieces: {text}, {text, href} for links and {text, mention} for @names;
 * the views turn them into nodes with textContent, never markup.
 */
export function pieces(text) {
    const found = [];
    for (const match of text.matchAll(LINK)) {
        let candidate = match[0];
        // A closing parenthesis belongs to the link only when it closes one of the link's own.
        const unbalanced = (c) => c.endsWith(')') && c.split(')').length > c.split('(').length;
        while (/[.,;:!?\]}]$/.test(candidate) || unbalanced(candidate)) {
            candidate = candidate.slice(0, -1);
        }
        const url = safeUrl(candidate);
        if (url) {
            found.push({ start: match.index, end: match.index + candidate.length, ...link(candidate, url) });
        }
    }
    for (const match of text.matchAll(MENTION)) {
        let name = match[0];
        while (name.endsWith('.')) {
            name = name.slice(0, -1);
        }
        const start = match.index;
        if (name.length > 1 && !found.some((f) => start < f.end && start + name.length > f.start)) {
            found.push({ start, end: start + name.length, mention: name.slice(1) });
        }
    }
    found.sort((a, b) => a.start - b.start);
    const result = [];
    let at = 0;
    for (const piece of found) {
        if (piece.start > at) {
            result.push({ text: text.slice(at, piece.start) });
        }
        result.push(piece.href ? piece : { ...piece, text: text.slice(piece.start, piece.end) });
        at = piece.end;
    }
    if (at < text.length) {
        result.push({ text: text.slice(at) });
    }
    return result;
}

/** Code points, as the server counts a message's length. */
export const length = (text) => [...text].length;
