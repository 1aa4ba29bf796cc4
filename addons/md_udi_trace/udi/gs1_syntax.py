"""Association rules and Digital Link roles of GS1 Application Identifiers.

The table below is a transcription of the attribute columns of the GS1 Barcode Syntax Dictionary,
release 2026-01-27 (the machine-readable companion of the GS1 General Specifications, maintained by
GS1 AISBL; published as gs1/gs1-syntax-engine src/c-lib/gs1-syntax-dictionary.txt under the
Apache License 2.0, Copyright (c) 2021-2026 GS1 AISBL, (c) 2020-2021 BWIPP and Zint projects).
Only the columns udi does not take from biip are kept, unchanged:

- AI or AI range;
- flags: "*" pre-defined length (no FNC1 separator needed), "?" permitted as a GS1 Digital Link
  data attribute (query parameter), "-" none;
- attributes: "req=A,B" one of A or B must be in the same message ("A+B": both), each "req=" a
  separate rule; "ex=A,B" must not appear with A or B ("n" in a pattern is any digit; an AI is not
  exclusive of itself even if it matches a pattern); "dlpkey[=q1,q2|q3]" GS1 Digital Link primary
  key with its ordered key qualifiers, "|" separating alternative sequences.

The Dictionary adds: "Invalid and mandatory AI pairings should be evaluated over the combined data
received from all GS1 carriers marking a physical item" (split labels, see gs1.check_requirements).
"""

from dataclasses import dataclass, field

# AI         flags  attributes
_DICTIONARY = """
00         *?  dlpkey
01         *?  ex=255,37 dlpkey=22,10,21|235
02         *?  ex=01,03 req=37
03         *   ex=01,02,37
10         ?   req=01,02,03,8006,8026
11         *?  req=01,02,03,8006,8026
12         *?  req=8020
13         *?  req=01,02,03,8006,8026
15         *?  req=01,02,03,8006,8026
16         *?  req=01,02,03,8006,8026
17         *?  req=01,02,03,255,8006,8026
20         *?  req=01,02,8006,8026
21         -   req=01,03,8006 ex=235
22         -   req=01
235        -   req=01
240        ?   req=01,02,8006,8026
241        ?   req=01,02,8006,8026
242        ?   req=01,02,8006,8026
243        ?   req=01
250        ?   req=01,8006 req=21
251        ?   req=01,8006
253        ?   dlpkey
254        -   req=414
255        ?   dlpkey ex=01,02,415,8006,8020,8026
30         ?   req=01,02
3100-3105  *?  req=01,02 ex=310n
3110-3115  *?  req=01,02 ex=311n
3120-3125  *?  req=01,02 ex=312n
3130-3135  *?  req=01,02 ex=313n
3140-3145  *?  req=01,02 ex=314n
3150-3155  *?  req=01,02 ex=315n
3160-3165  *?  req=01,02 ex=316n
3200-3205  *?  req=01,02 ex=320n
3210-3215  *?  req=01,02 ex=321n
3220-3225  *?  req=01,02 ex=322n
3230-3235  *?  req=01,02 ex=323n
3240-3245  *?  req=01,02 ex=324n
3250-3255  *?  req=01,02 ex=325n
3260-3265  *?  req=01,02 ex=326n
3270-3275  *?  req=01,02 ex=327n
3280-3285  *?  req=01,02 ex=328n
3290-3295  *?  req=01,02 ex=329n
3300-3305  *?  req=00,01 ex=330n
3310-3315  *?  req=00,01 ex=331n
3320-3325  *?  req=00,01 ex=332n
3330-3335  *?  req=00,01 ex=333n
3340-3345  *?  req=00,01 ex=334n
3350-3355  *?  req=00,01 ex=335n
3360-3365  *?  req=00,01 ex=336n
3370-3375  *?  req=01 ex=337n
3400-3405  *?  req=00,01 ex=340n
3410-3415  *?  req=00,01 ex=341n
3420-3425  *?  req=00,01 ex=342n
3430-3435  *?  req=00,01 ex=343n
3440-3445  *?  req=00,01 ex=344n
3450-3455  *?  req=00,01 ex=345n
3460-3465  *?  req=00,01 ex=346n
3470-3475  *?  req=00,01 ex=347n
3480-3485  *?  req=00,01 ex=348n
3490-3495  *?  req=00,01 ex=349n
3500-3505  *?  req=01,02 ex=350n
3510-3515  *?  req=01,02 ex=351n
3520-3525  *?  req=01,02 ex=352n
3530-3535  *?  req=00,01 ex=353n
3540-3545  *?  req=00,01 ex=354n
3550-3555  *?  req=00,01 ex=355n
3560-3565  *?  req=01,02 ex=356n
3570-3575  *?  req=01,02 ex=357n
3600-3605  *?  req=01,02 ex=360n
3610-3615  *?  req=01,02 ex=361n
3620-3625  *?  req=00,01 ex=362n
3630-3635  *?  req=00,01 ex=363n
3640-3645  *?  req=01,02 ex=364n
3650-3655  *?  req=01,02 ex=365n
3660-3665  *?  req=01,02 ex=366n
3670-3675  *?  req=00,01 ex=367n
3680-3685  *?  req=00,01 ex=368n
3690-3695  *?  req=00,01 ex=369n
37         ?   req=00 req=02,8026
3900-3909  ?   req=255,8020 ex=390n,391n,394n,8111
3910-3919  ?   req=8020 ex=391n
3920-3929  ?   req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n
3930-3939  ?   req=30,31nn,32nn,35nn,36nn ex=393n
3940-3943  ?   req=255 ex=394n,8111
3950-3955  ?   req=30,31nn,32nn,35nn,36nn ex=392n,393n,395n,8005
400        ?
401        ?   dlpkey
402        ?   dlpkey
403        ?   req=00
410        *?
411        *?
412        *?
413        *?
414        *?  dlpkey=254|7040
415        *?  req=8020 dlpkey=8020
416        *?
417        *?  dlpkey=7040
420        ?   ex=421
421        ?   ex=4307
422        ?   req=01,02,8006,8026 ex=426
423        ?   req=01,02 ex=426
424        ?   req=01,02 ex=426
425        ?   req=01,02 ex=426
426        ?   req=01,02
427        ?   req=01,02 req=422
4300       ?   req=00
4301       ?   req=00
4302       ?   req=00
4303       ?   req=4302
4304       ?   req=00
4305       ?   req=00
4306       ?   req=00
4307       ?   req=00
4308       ?   req=00
4309       ?   req=00
4310       ?   req=00
4311       ?   req=00
4312       ?   req=00
4313       ?   req=4312
4314       ?   req=00
4315       ?   req=00
4316       ?   req=00
4317       ?   req=00
4318       ?   req=00
4319       ?   req=00
4320       ?   req=00
4321       ?   req=00
4322       ?   req=00
4323       ?   req=00
4324       ?   req=00
4325       ?   req=00
4326       ?   req=00
4330       ?   req=00 ex=4331
4331       ?   req=00 ex=4330
4332       ?   req=00 ex=4333
4333       ?   req=00 ex=4332
7001       ?   req=01,02,8006,8026
7002       ?   req=01,02
7003       ?   req=01,02
7004       ?   req=01+10
7005       ?   req=01,02
7006       ?   req=01,02
7007       ?   req=01,02
7008       ?   req=01,02
7009       ?   req=01,02
7010       ?   req=01,02
7011       ?   req=01,02
7020       ?   req=01,8006 req=416
7021       ?   req=01,8006
7022       ?   req=7021
7023       ?
7030       ?   req=01,02
7031       ?   req=01,02
7032       ?   req=01,02
7033       ?   req=01,02
7034       ?   req=01,02
7035       ?   req=01,02
7036       ?   req=01,02
7037       ?   req=01,02
7038       ?   req=01,02
7039       ?   req=01,02
7040       -
7041       -   req=00
710        ?   req=01
711        ?   req=01
712        ?   req=01
713        ?   req=01
714        ?   req=01
715        ?   req=01
716        ?   req=01
717        ?   req=01
7230       ?   req=01,8004
7231       ?   req=01,8004
7232       ?   req=01,8004
7233       ?   req=01,8004
7234       ?   req=01,8004
7235       ?   req=01,8004
7236       ?   req=01,8004
7237       ?   req=01,8004
7238       ?   req=01,8004
7239       ?   req=01,8004
7240       ?   req=01,8006
7241       ?   req=8017,8018
7242       ?   req=8017,8018
7250       ?   req=8018 ex=7251
7251       ?   req=8018 ex=7250
7252       ?   req=8018
7253       ?   req=8017,8018 ex=7256,7259
7254       ?   req=8017,8018 ex=7256,7259
7255       ?   req=8017,8018 ex=7256,7259
7256       ?   req=8017,8018
7257       ?   req=8018
7258       ?   req=8018+7259
7259       ?   req=8018 ex=7256
8001       ?   req=01
8002       ?
8003       ?   dlpkey
8004       ?   dlpkey=7040
8005       ?   req=01,02
8006       ?   ex=01,37 dlpkey=22,10,21
8007       ?   req=415
8008       ?   req=01,02
8009       ?   req=00,01
8010       ?   dlpkey=8011
8011       -   req=8010
8012       ?   req=01,8006
8013       ?   dlpkey
8014       -   req=01
8017       ?   ex=8018 dlpkey=8019
8018       ?   ex=8017 dlpkey=8019
8019       -   req=8017,8018
8020       -   req=415
8026       ?   req=37 ex=02,8006
8030       ?   req=00,01+21,253,255,8003,8004,8006+21,8010+8011,8017,8018
8040       -   req=01+21
8041       -   req=01+21+8040
8042       -   req=01+21+8040
8043       -   req=01+21+8040
8110       ?
8111       ?   req=255
8112       ?
8200       -   req=01
90         ?
91-99      ?
"""


@dataclass(frozen=True)
class AiRules:
    """What the Syntax Dictionary says of one AI beyond its data format."""

    fixed_length: bool = False
    dl_attribute: bool = False
    requires: tuple = ()  # one tuple of alternatives per "req=" rule; an alternative is a tuple of AIs
    excludes: tuple = ()  # AIs or patterns ("310n", "394n")
    dl_key: tuple | None = None  # qualifier sequences (alternatives) if a Digital Link primary key
    unknown: bool = field(default=False, compare=False)


def _expand(ais):
    if "-" not in ais:
        return [ais]
    first, last = ais.split("-")
    return [str(number).zfill(len(first)) for number in range(int(first), int(last) + 1)]


def _parse():
    rules = {}
    for line in _DICTIONARY.strip().splitlines():
        ais, flags, *attributes = line.split()
        requires, excludes, dl_key = [], [], None
        for attribute in attributes:
            name, _sep, value = attribute.partition("=")
            if name == "req":
                requires.append(tuple(tuple(item.split("+")) for item in value.split(",")))
            elif name == "ex":
                excludes.extend(value.split(","))
            elif name == "dlpkey":
                dl_key = tuple(tuple(seq.split(",")) if seq else () for seq in value.split("|"))
        rule = AiRules(
            fixed_length="*" in flags,
            dl_attribute="?" in flags,
            requires=tuple(requires),
            excludes=tuple(excludes),
            dl_key=dl_key,
        )
        for ai in _expand(ais):
            rules[ai] = rule
    return rules


RULES = _parse()
_UNKNOWN = AiRules(unknown=True)


def rules(ai):
    """The Syntax Dictionary rules of ``ai`` (AiRules(unknown=True) for an AI it does not list)."""
    return RULES.get(ai, _UNKNOWN)


def matches(ai, pattern):
    """True if ``ai`` matches an AI or a pattern of the Dictionary ("n": any digit)."""
    return len(ai) == len(pattern) and all(p in ("n", a) for a, p in zip(ai, pattern, strict=True))


DL_KEYS = {ai: rule.dl_key for ai, rule in RULES.items() if rule.dl_key is not None}
