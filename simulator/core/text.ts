const TRANSLITERATION: Record<string, string> = {
  Þ: 'Th',
  þ: 'th',
  Ð: 'D',
  ð: 'd',
  Æ: 'Ae',
  æ: 'ae',
  Ø: 'O',
  ø: 'o',
  ß: 'ss',
  Ł: 'L',
  ł: 'l',
};

/** ASCII letters and digits only (identifiers, e-mail addresses): Þekking → Thekking, Søren → Soren. */
export function ascii(text: string): string {
  return text
    .replace(/[ÞþÐðÆæØøßŁł]/g, (ch) => TRANSLITERATION[ch] ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]/g, '');
}
