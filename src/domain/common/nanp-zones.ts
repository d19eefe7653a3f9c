/**
 * The time zone of a North American number, from its area code (NPA): the zone quiet hours are
 * read in when a recipient's zone is known no better. Canada is complete (geographic NPAs as of
 * 2026, overlays included); the US lists its geographic NPAs and territories. Non-geographic codes
 * (600, 622, 800…) and the other NANP countries are absent: the caller falls back to the account's
 * zone.
 *
 * An NPA whose territory spans two zones is given the zone where most of its subscribers live:
 * 418 (Magdalen Islands and Basse-Côte-Nord are Atlantic) → Eastern; 807 (Kenora, Dryden are
 * Central) → Eastern, Thunder Bay; 250 (East Kootenay, Peace River) → Pacific; 867 (Yukon, NWT,
 * Nunavut) → Mountain, which Yukon's year-round UTC−7 matches except in winter; 850/448 (Florida
 * panhandle) → Central, Pensacola and Panama City; 812/930 → Eastern; 270/364 → Central; 219 →
 * Central; 208/986 → Mountain (Boise); 308, 605, 701, 785, 620 → Central; 541 → Pacific. A
 * recipient on the minority side of such a code gets its quiet hours one hour early or late.
 */

const ZONES: Record<string, readonly number[]> = {
  // Canada.
  'America/St_Johns': [709, 879],
  'America/Halifax': [902, 782],
  'America/Moncton': [506, 428],
  'America/Toronto': [
    // Québec.
    418, 581, 367, 450, 579, 354, 514, 438, 263, 819, 873, 468,
    // Ontario.
    416, 647, 437, 942, 905, 289, 365, 742, 519, 226, 548, 382, 613, 343, 753, 705, 249, 683, 807,
  ],
  'America/Winnipeg': [204, 431, 584],
  'America/Regina': [306, 639, 474],
  'America/Edmonton': [403, 587, 780, 825, 368, 867],
  'America/Vancouver': [604, 778, 236, 250, 672, 257],
  // United States, Eastern.
  'America/New_York': [
    203, 475, 860, 959, 302, 202, 771, 239, 305, 321, 324, 352, 386, 407, 561, 645, 656, 689, 727, 728, 754,
    772, 786, 813, 863, 904, 941, 954, 229, 404, 470, 478, 678, 706, 762, 770, 912, 943, 502, 606, 859, 207,
    227, 240, 301, 410, 443, 667, 339, 351, 413, 508, 617, 774, 781, 857, 978, 603, 201, 551, 609, 640, 732,
    848, 856, 862, 908, 973, 212, 315, 329, 332, 347, 363, 516, 518, 585, 607, 624, 631, 646, 680, 716, 718,
    838, 845, 914, 917, 929, 934, 252, 336, 472, 704, 743, 828, 910, 919, 980, 984, 216, 220, 234, 283, 326,
    330, 380, 419, 436, 440, 513, 567, 614, 740, 937, 215, 223, 267, 272, 412, 445, 484, 570, 582, 610, 717,
    724, 814, 835, 878, 401, 803, 821, 839, 843, 854, 864, 423, 865, 802, 276, 434, 540, 571, 686, 703, 757,
    804, 826, 948, 304, 681,
  ],
  'America/Detroit': [231, 248, 269, 313, 517, 586, 616, 679, 734, 810, 906, 947, 989],
  'America/Indiana/Indianapolis': [260, 317, 463, 574, 765, 812, 930],
  // Central.
  'America/Chicago': [
    205, 251, 256, 334, 483, 659, 938, 327, 479, 501, 870, 217, 224, 309, 312, 331, 447, 464, 618, 630, 708,
    730, 773, 779, 815, 847, 861, 872, 319, 515, 563, 641, 712, 316, 620, 785, 913, 225, 318, 337, 457, 504,
    985, 218, 320, 507, 612, 651, 763, 924, 952, 228, 601, 662, 769, 235, 314, 417, 557, 573, 636, 660, 816,
    975, 308, 402, 531, 701, 405, 539, 572, 580, 918, 605, 210, 214, 254, 281, 325, 346, 361, 409, 430, 432,
    469, 512, 682, 713, 726, 737, 806, 817, 830, 832, 903, 936, 940, 945, 956, 972, 979, 262, 274, 353, 414,
    534, 608, 715, 920, 615, 629, 731, 901, 270, 364, 850, 448, 219,
  ],
  // Mountain.
  'America/Denver': [303, 719, 720, 970, 983, 406, 505, 575, 385, 435, 801, 307, 915],
  'America/Boise': [208, 986],
  'America/Phoenix': [480, 520, 602, 623, 928],
  // Pacific.
  'America/Los_Angeles': [
    209, 213, 279, 310, 323, 341, 350, 369, 408, 415, 424, 442, 510, 530, 559, 562, 619, 626, 628, 650, 657,
    661, 669, 707, 714, 747, 760, 805, 818, 820, 831, 837, 840, 858, 909, 916, 925, 949, 951, 702, 725, 775,
    458, 503, 541, 971, 206, 253, 360, 425, 509, 564,
  ],
  'America/Anchorage': [907],
  'Pacific/Honolulu': [808],
  // US territories.
  'America/Puerto_Rico': [787, 939],
  'America/St_Thomas': [340],
  'Pacific/Guam': [671],
  'Pacific/Saipan': [670],
  'Pacific/Pago_Pago': [684],
};

const BY_NPA: ReadonlyMap<number, string> = new Map(
  Object.entries(ZONES).flatMap(([zone, npas]) => npas.map((npa) => [npa, zone] as const)),
);

/** Every area code the table knows, with its zone (tests check each zone is one the runtime knows). */
export const NANP_ZONES: ReadonlyMap<number, string> = BY_NPA;

/** The zone of a number in international digits (`15145550101`), or null for one the table lacks. */
export function zoneOfNanpNumber(number: string): string | null {
  if (number.length !== 11 || number.charCodeAt(0) !== 49 /* '1' */) return null;
  return BY_NPA.get(Number(number.slice(1, 4))) ?? null;
}
