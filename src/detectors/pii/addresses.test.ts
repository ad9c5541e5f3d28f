import { describe, expect, it } from 'vitest';
import { scanAddresses } from './addresses.js';
import { resolveOverlaps } from './resolve.js';
import type { PiiCandidate } from './types.js';

function addresses(text: string): string[] {
  const out: PiiCandidate[] = [];
  scanAddresses(text, out);
  return resolveOverlaps(out).map((c) => text.slice(c.start, c.end));
}

describe('street addresses', () => {
  it.each([
    ['I live at 221B Baker Street.', '221B Baker Street'],
    ['Send it to 12 Baker St. please', '12 Baker St.'],
    ['Ship to 742 Evergreen Terrace, Springfield, IL 62704, USA', '742 Evergreen Terrace, Springfield, IL 62704, USA'],
    ['1600 Pennsylvania Avenue NW, Washington, DC 20500', '1600 Pennsylvania Avenue NW, Washington, DC 20500'],
    ['at 350 5th Avenue, New York', '350 5th Avenue, New York'],
    ['Jacob lives on 90 Whitchurch Road street.', '90 Whitchurch Road'],
    ['Büro: Hauptstraße 5, 10115 Berlin', 'Hauptstraße 5, 10115 Berlin'],
    ['Koepenicker Str. 74 Suite 980', 'Koepenicker Str. 74 Suite 980'],
    ['The bus station is on Vesterskovvej 79', 'Vesterskovvej 79'],
    ['Our office: Via Roma 131, Milano', 'Via Roma 131, Milano'],
    ['corner of ul. Cicha 86 and the park', 'ul. Cicha 86'],
    ['63 Rue de Rivoli, Paris', '63 Rue de Rivoli, Paris'],
    ['594 Hegedűs Gyula utca 76. Apt. 289', '594 Hegedűs Gyula utca 76. Apt. 289'],
    ['Box: PO Box 1234, Anchorage', 'PO Box 1234, Anchorage'],
    ['PSC 0729, Box 5797\nAPO AP 96854. It serves food.', 'PSC 0729, Box 5797\nAPO AP 96854'],
    ['20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488', '20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488'],
    ['> 3369 24 Clarke Avenue\n> Apt. 805\n> Pines Beach', '3369 24 Clarke Avenue\n> Apt. 805\n> Pines Beach'],
  ])('finds %j', (text, value) => expect(addresses(text)).toEqual([value]));

  it.each([
    'I drove 300 miles down the road.',
    'We have 2 Google Drive accounts and 3 hard drives.',
    'Chapter 3 Road Safety',
    'Critical Path 2 is late; Route 66 is a song.',
    'Top 10 Best Ways to learn',
    'Paris is lovely in 2024.',
    'The price is 42 Euro per month.',
    'Suite 501 is booked.',
  ])('ignores %j', (text) => expect(addresses(text)).toEqual([]));

  it('keeps two addresses in one line apart', () => {
    expect(addresses('Hauptstraße 5, Via Roma 131, PO Box 1234')).toEqual(['Hauptstraße 5', 'Via Roma 131', 'PO Box 1234']);
  });
});
