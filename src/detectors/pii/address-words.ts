// Street-type words, unit words and address cues in many languages: the vocabulary of the address scanner.
// Sources: USPS Publication 28 (street suffixes), and the street-type words of European national address formats.

const set = (s: string): Set<string> => new Set(s.split(/\s+/).filter((w) => w !== ''));

/** Street types written after the name that make an address on their own ("Baker Street", "Kölner Str."). */
export const TYPE_AFTER = set(`
  street st str strasse straße avenue ave av road rd boulevard blvd lane ln drive dr court ct crt place pl square sq
  terrace ter terr way parkway pkwy highway hwy circle cir trail trl crescent cres close grove row alley plaza mews
  walk path pike loop crossing expressway expy freeway turnpike causeway esplanade parade quay wharf rise gardens
  heights route rte broadway utca u út ut tér körút krt gasse weg allee platz ring damm ufer chaussee laan straat
  plein gracht kade vej gade allé gata gatan vägen väg katu tie kuja ulica cesta caddesi cadde sokak sokağı tänav
  mnt iela gate vei veien vegen veg stien sti plass torg terrasse bakken bakke põik puiestee maantee baan hof dreef
  singel pad steeg trg nábřeží třída`);

/** Street types that also are ordinary words ("Point", "View", "Park"): an address only with more evidence. */
export const WEAK_TYPE_AFTER = set(`
  point points view views park parks station union light lights field fields hill hills lake lakes mill mills ridge
  ridges river spring springs valley village villages green greens cove coves creek crest dale estate estates falls
  ferry forest fork forks glen harbor harbour haven hollow island islands isle junction key keys knoll landing lodge
  manor meadow meadows mission mount mountain orchard oval pass passage pines plain plains port prairie ranch rapids
  run shoal shoals shore shores skyway summit trace track tunnel underpass viaduct vista well wells bypass camp canyon
  cape center centre club common commons corner corners course curve divide extension flat flats ford forge gateway
  inlet lock locks mall motorway neck overpass radial ramp spur stream throughway trafficway walks wall burg branch
  bridge brook brooks bluff bluffs bottom bend beach cliff cliffs fort grounds`);

/** The continental subset, whose house number follows the street ("Kölner Str. 5", "Rákóczi út 13", "Trenerys gate 2"). */
export const TYPE_BEFORE_NUMBER = set(`
  str strasse straße utca u út ut tér körút krt gasse weg allee platz ring damm ufer chaussee laan straat plein
  gracht kade vej gade allé gata gatan vägen väg katu tie kuja ulica cesta caddesi cadde sokak sokağı tänav mnt iela
  gate vei veien vegen veg stien sti plass torg terrasse bakken bakke põik puiestee maantee baan hof dreef singel pad
  steeg trg`);

/** Street types written before the name ("Rue de Rivoli", "Calle Mayor", "ul. Cicha", "улица Ленина"). */
export const TYPE_BEFORE = set(`
  rue via viale corso piazza piazzale vicolo largo strada contrada borgo lungomare calle avenida avda rua rúa
  travessa praça praca alameda estrada carrer passeig plaça avinguda rambla plaza paseo camino carretera ronda
  travesía glorieta chemin allée impasse quai cours avenue boulevard route voie passage faubourg ulica ul al aleja
  plac bulevar bulevardul strada calea trg náměstí nám улица ул проспект пр переулок пер бульвар шоссе площадь пл
  набережная вулиця вул οδός οδ λεωφόρος λεωφ πλατεία`);

/** Endings of one-word street names in German, Dutch, Nordic and Finnish ("Hauptstraße", "Vesterskovvej"). */
export const COMPOUND_ENDINGS = [
  'straße', 'strasse', 'str.', 'weg', 'gasse', 'allee', 'platz', 'damm', 'ufer', 'steig', 'straat', 'laan',
  'plein', 'gracht', 'kade', 'singel', 'dreef', 'vej', 'gade', 'allé', 'stræde', 'gatan', 'vägen', 'gränd',
  'stigen', 'gata', 'veien', 'vegen', 'katu', 'tie', 'kuja', 'polku', 'väylä', 'kaari', 'braut', 'vegur', 'stræti',
  'straeti', 'stien', 'vænget', 'gate', 'svingen', 'bakken', 'hove', 'hof',
];
/** Words with those endings that are not streets. */
export const NOT_STREETS = set('brigade renegade cutie hottie rookie necktie bowtie potpie weg gate delegate agate');
/** Words that make "Drive", "Loop", "Court", "Path" ... something other than a street ("Google Drive", "Event Loop"). */
export const NOT_STREET_NAMES = set(`google hard test flash disk cloud usb thumb external network one no first second
  third front back supreme food critical career event infinite for while death moon milky best top`);
/** "High Court" is a court of law; "High Street" is a street. */
export const NOT_STREET_PAIRS = new Set(['high court', 'high road']);
export const UNIT_WORDS = set('apt apartment suite ste unit flat floor fl room rm bldg building box');
/** Lower-case words allowed inside a street name ("Rue de la Paix", "Jiřího z Poděbrad"). */
export const PARTICLES = set(`de del della delle dei degli di da do dos das des du la le les el los las y e van von
  der den ter ten am an auf im zum zur of the st st. saint sainte san santa são sao d' l' z ze na nad pod u`);

/** A PO box, in several languages: "PO Box 12", "Postfach 12", "Apartado 12", "Caixa Postal 12", "BP 12". */
export const BOX_WORDS = set('box postfach apartado correos postale postal postbox postboks bp cp');
export const BOX_BEFORE =
  /(?:P\.? ?O\.? ?Box|Post Office Box|Postbox|Postboks|Postfach|Apartado(?: de correos)?|Case postale|Boîte postale|Caixa Postal|Casella postale|B\.P\.?|C\.P\.?)[ ]{0,3}$/i;

/** Phrases before an address ("my address is", "lives at", "ship to"), ending within the 48 characters before it. */
const ADDRESS_CUE = new RegExp(
  String.raw`(?:address|adresse|addr|dirección|direccion|domicilio|indirizzo|endereço|adres|адрес|διεύθυνση|` +
    String.raw`lives? at|living at|lived in|live in|lives in|moved to|move to|ship(?:ped)? to|send (?:it |them |a new one )?to|` +
    String.raw`deliver(?:ed|y)? to|located at|resid(?:e|es|ing) at|office is at|meet (?:me |us )?at|return(?:ed)? to|` +
    String.raw`mail(?:ed)? to|stay(?:ing)? at|based at|wohne|wohnt|habite|vivo en|abito in|moro na|mieszkam)` +
    String.raw`[^.!\n]{0,24}$`,
  'i',
);

/** True when an address cue ends shortly before `index`. */
export function addressCueBefore(text: string, index: number): boolean {
  return ADDRESS_CUE.test(text.slice(Math.max(0, index - 48), index));
}
