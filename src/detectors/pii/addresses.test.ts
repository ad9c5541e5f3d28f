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

  it.each([
    // Comma forms and lower-case street types after a house number.
    ['Envoyez-le au 12, rue de la Paix, 75002 Paris, France.', '12, rue de la Paix, 75002 Paris, France'],
    ['Mi dirección es Calle Mayor, 5, 28013 Madrid.', 'Calle Mayor, 5, 28013 Madrid'],
    ['Abito in Via Roma, 10, 00184 Roma.', 'Via Roma, 10, 00184 Roma'],
    ['Billing: 31401 ul. Słowicza 10 Apt. 360', '31401 ul. Słowicza 10 Apt. 360'],
    ['Flat 3, 12 High Street, Oxford OX1 4AA', '12 High Street, Oxford OX1 4AA'],
    ['Adres: ul. Marszałkowska 1/2, 00-001 Warszawa', 'ul. Marszałkowska 1/2, 00-001 Warszawa'],
    ['Address: Storgatan 12, 111 22 Stockholm', 'Storgatan 12, 111 22 Stockholm'],
    ['Адрес: ул. Тверская, д. 7, кв. 12', 'ул. Тверская, д. 7, кв. 12'],
    // Nordic types written in lower case after the name; US suffixes that are also words, with a city.
    ['> 2224 Trenerys gate 232\n> Apt. 342\n> TRONDHEIM', '2224 Trenerys gate 232\n> Apt. 342\n> TRONDHEIM'],
    ['675 224 Forrest Hill Road Suite 833', '675 224 Forrest Hill Road Suite 833'],
    ['Send it to 52 Zak Points, Albany', '52 Zak Points, Albany'],
    // A street without a type word after an address cue, in any script; lower-case text.
    ['Kevin had given Alma his address: 5049 Harjukuja 54, SEINÄJOKI', '5049 Harjukuja 54, SEINÄJOKI'],
    ['Tilly lives at 10252 Μεγάλη Άμμος 184, ΠΑΦΟΣ', '10252 Μεγάλη Άμμος 184, ΠΑΦΟΣ'],
    ['eva kleist lives at 255 hersnapvej 18, københavn k', '255 hersnapvej 18, københavn k'],
    ['meet me at 2407 tawastintie 6, sé, portugal', '2407 tawastintie 6, sé, portugal'],
    // Boxes, ships and corners.
    ['Postfach 1234, 10115 Berlin', 'Postfach 1234, 10115 Berlin'],
    ['The address is USS Lorenzen\nFPO AE 25990', 'USS Lorenzen\nFPO AE 25990'],
    ['Stop at the corner of 11 Botley Road and Herceg Gateway St.', 'corner of 11 Botley Road and Herceg Gateway St.'],
  ])('finds %j', (text, value) => expect(addresses(text)).toEqual([value]));

  it.each([
    'The Golden Gate 5 exhibition and Heaven Gate 2 are films.',
    'Send 12 via email, please.',
    'We have 3 Lake View rooms left.',
    'The High Court 2 ruling is final.',
    'corner of the room and the park',
    'In 2024 Paris Hilton visited.',
  ])('ignores %j', (text) => expect(addresses(text)).toEqual([]));

  it('keeps two addresses in one line apart', () => {
    expect(addresses('Hauptstraße 5, Via Roma 131, PO Box 1234')).toEqual(['Hauptstraße 5', 'Via Roma 131', 'PO Box 1234']);
  });
});
