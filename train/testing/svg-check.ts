// A strict-enough well-formedness check for the SVG we write (tests only need it, but it is plain code):
// one root <svg> in the SVG namespace, every element closed in order, attributes quoted.
export function checkSvgWellFormed(svg: string): string[] {
  const problems: string[] = [];
  const body = svg.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const between = body.slice(last, m.index);
    if (between.includes('<')) problems.push(`malformed markup near: ${between.slice(between.indexOf('<'), between.indexOf('<') + 40)}`);
    last = tag.lastIndex;
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name!);
    }
  }
  if (body.slice(last).trim() !== '') problems.push('text after the root element');
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1 || !/^<svg\b[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(body)) problems.push('the document must be one <svg xmlns="http://www.w3.org/2000/svg"> element');
  return problems;
}
