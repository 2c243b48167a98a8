// The body of a function run in the page (ChatPage.assertReadable): every shown element with text of its own whose
// colour, against what is painted behind it, falls below WCAG AA (4.5, or 3 for large text). Backgrounds are
// plain colours here, blended up the tree; opacity counts (what is fully transparent until hovered, like a message's
// tools, is not shown); disabled controls are exempt, as WCAG allows.
const parse = (css) => {
    const parts = css.match(/rgba?\(([^)]+)\)/)[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
};
const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a), g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a), a: 1
});
const behind = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
        const colour = parse(getComputedStyle(e).backgroundColor);
        if (colour.a > 0) {
            layers.push(colour);
            if (colour.a === 1) break;
        }
    }
    return layers.reduceRight((below, layer) => over(layer, below), {r: 255, g: 255, b: 255, a: 1});
};
const luminance = (c) => {
    const channel = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
};
const opacity = (element) => {
    let o = 1;
    for (let e = element; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
};
const found = [];
const modal = document.querySelector('dialog:modal'); // what lies under an open modal dialog is not for reading
for (const element of (modal || document.body).querySelectorAll('*')) {
    const ownText = [...element.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (!ownText || !box.width || !box.height || style.visibility === 'hidden' || element.closest(':disabled')) continue;
    const shown = opacity(element);
    if (shown === 0) continue;
    const background = behind(element);
    const ink = parse(style.color);
    const text = over({...ink, a: ink.a * shown}, background);
    const [light, dark] = [luminance(text), luminance(background)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
        found.push(element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') + '.' + [...element.classList].join('.')
            + ' "' + element.textContent.trim().slice(0, 40) + '" ' + ratio.toFixed(2));
    }
}
return found;
