"""Master tables of single sampling by attributes, one set per sampling standard (pure data).

Two standards, never mixed:

- ISO 2859-1:1999, adopted identically in China as GB/T 2828.1-2012: Table 1 (sample size code
  letters), Tables 2-A, 2-B and 2-C (single sampling, normal, tightened and reduced inspection).
  Its reduced plans all have Re = Ac + 1.
- ANSI/ASQ Z1.4-2008 (tables unchanged from MIL-STD-105E): Table I, Tables II-A, II-B and II-C. Its
  reduced plans include plans with a gap between Ac and Re (e.g. Ac 0 Re 2); the footnote of Table
  II-C: a lot whose count lies between them is accepted, but normal inspection is reinstated.

Table 1 and Table 2-A are the same in both standards (Table I and Table II-A of Z1.4), cell by cell,
in the published transcriptions checked by ``tests/quality/test_sampling_tables.py``. Table 2-B and
Table II-B differ in one cell (code letter A, AQL 10), see ``TABLE_2B_UNVERIFIED``.

Cell grammar of the master tables below, one line per code letter (the letter, its sample size, then
one cell per AQL column of ``AQLS``):

    v       use the first sampling plan below the arrow
    ^       use the first sampling plan above the arrow
    Ac      acceptance number, the rejection number being Ac + 1
    Ac/Re   acceptance and rejection numbers that are not consecutive (Z1.4 Table II-C only)
    -       no plan in this cell (row S of the tightened tables is reached from AQL 0.025 only)
    ?       the published transcriptions disagree: the plan is refused, never guessed
"""

import math

LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
# Preferred AQLs, the columns of the master tables. Up to 10: percent nonconforming or
# nonconformities per 100 items; above 10: nonconformities per 100 items only.
AQLS = (
    0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5,
    4.0, 6.5, 10.0, 15.0, 25.0, 40.0, 65.0, 100.0, 150.0, 250.0, 400.0, 650.0, 1000.0,
)  # fmt: skip
# The AQLs as the tables print them, e.g. for a selection field.
AQL_LABELS = (
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5",
    "2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000",
)  # fmt: skip
CODE_LETTERS = "ABCDEFGHJKLMNPQR"

# ISO 2859-1:1999 Table 1 = ANSI/ASQ Z1.4-2008 Table I, sample size code letters: upper bound of the
# lot size range, then the code letter for each level of LEVELS (S-1 S-2 S-3 S-4 I II III). The
# first range is "2 to 8", the last "500 001 and over".
TABLE_1 = (
    (8, "AAAAAAB"),
    (15, "AAAAABC"),
    (25, "AABBBCD"),
    (50, "ABBCCDE"),
    (90, "BBCCCEF"),
    (150, "BBCDDFG"),
    (280, "BCDEEGH"),
    (500, "BCDEFHJ"),
    (1200, "CCEFGJK"),
    (3200, "CDEGHKL"),
    (10000, "CDFGJLM"),
    (35000, "CDFHKMN"),
    (150000, "DEGJLNP"),
    (500000, "DEGJMPQ"),
    (math.inf, "DEHKNQR"),
)
# The smallest lot Table 1 covers.
TABLE_1_SMALLEST_LOT = 2

# ISO 2859-1:1999 Table 2-A = ANSI/ASQ Z1.4-2008 Table II-A: single sampling, normal inspection.
TABLE_2A = """
A    2   v  v  v  v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  7 10 14 21 30
B    3   v  v  v  v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44
C    5   v  v  v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44  ^
D    8   v  v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44  ^  ^
E   13   v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44  ^  ^  ^
F   20   v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^
G   32   v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^
H   50   v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^
J   80   v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^
K  125   v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
L  200   v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
M  315   v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
N  500   v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
P  800   v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
Q 1250   0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
R 2000   ^  ^  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
"""

# ANSI/ASQ Z1.4-2008 Table II-B: single sampling, tightened inspection.
TABLE_II_B = """
A    2   v  v  v  v  v  v  v  v  v  v  v  v  v  v  v  v  v  v  1  2  3  5  8 12 18 27
B    3   v  v  v  v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18 27 41
C    5   v  v  v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18 27 41  ^
D    8   v  v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18 27 41  ^  ^
E   13   v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18 27 41  ^  ^  ^
F   20   v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^
G   32   v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^
H   50   v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^
J   80   v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^
K  125   v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
L  200   v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
M  315   v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
N  500   v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
P  800   v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
Q 1250   v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
R 2000   0  ^  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
S 3150   -  -  1  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -
"""

# ISO 2859-1:1999 Table 2-B: the transcriptions of Z1.4 Table II-B and of GB/T 2828.1-2012 Table
# 2-B agree on every cell but one: code letter A at AQL 10, an arrow down (n = 8, Ac 1) in Z1.4
# Table II-B and in a transcription of ISO 2859-1:1999 Table 2-B, but n = 2, Ac 0 in the GB/T
# 2828.1-2012 transcription. Until the cell is read in the standard itself, the ISO scheme refuses
# that plan (cell "?") rather than take either reading.
TABLE_2B_UNVERIFIED = {("A", "10")}

# ANSI/ASQ Z1.4-2008 Table II-C: single sampling, reduced inspection (plans with a gap between Ac
# and Re; footnote: Ac exceeded but Re not reached: accept the lot, reinstate normal inspection).
TABLE_II_C = """
A    2  v v v v v v v v v v v v v v 0 v v 1 2 3 5 7 10 14 21 30
B    2  v v v v v v v v v v v v v 0 ^ v 0/2 1/3 2/4 3/5 5 7 10 14 21 30
C    2  v v v v v v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 14/17 21/24 ^
D    3  v v v v v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 14/17 21/24 ^ ^
E    5  v v v v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 14/17 21/24 ^ ^ ^
F    8  v v v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^
G   13  v v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^
H   20  v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^
J   32  v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^
K   50  v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
L   80  v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
M  125  v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
N  200  v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
P  315  v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
Q  500  0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
R  800  ^ ^ 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
"""

# ISO 2859-1:1999 Table 2-C = GB/T 2828.1-2012 Table 2-C: single sampling, reduced inspection. Every
# plan has Re = Ac + 1 (the reduced plans of the 1999 edition have no gap between Ac and Re).
TABLE_2C = """
A    2   v  v  v  v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  7 10 14 21 30
B    2   v  v  v  v  v  v  v  v  v  v  v  v  v  0  ^  v  v  1  2  3  5  7 10 14 21 30
C    2   v  v  v  v  v  v  v  v  v  v  v  v  0  ^  v  v  1  2  3  5  6  8 10 14 21  ^
D    3   v  v  v  v  v  v  v  v  v  v  v  0  ^  v  v  1  2  3  5  6  8 10 14 21  ^  ^
E    5   v  v  v  v  v  v  v  v  v  v  0  ^  v  v  1  2  3  5  6  8 10 14 21  ^  ^  ^
F    8   v  v  v  v  v  v  v  v  v  0  ^  v  v  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^
G   13   v  v  v  v  v  v  v  v  0  ^  v  v  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^  ^
H   20   v  v  v  v  v  v  v  0  ^  v  v  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^  ^  ^
J   32   v  v  v  v  v  v  0  ^  v  v  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^  ^  ^  ^
K   50   v  v  v  v  v  0  ^  v  v  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
L   80   v  v  v  v  0  ^  v  v  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
M  125   v  v  v  0  ^  v  v  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
N  200   v  v  0  ^  v  v  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
P  315   v  0  ^  v  v  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
Q  500   0  ^  ^  v  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
R  800   ^  ^  ^  1  2  3  5  6  8 10  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
"""

# ANSI/ASQ Z1.4-2008 Table VIII, limit numbers for reduced inspection (8.3.3 b): not shipped. No
# published transcription of the table could be verified, so a Z1.4 plan that applies the limit
# numbers cannot switch to reduced inspection (the engine refuses; see iso2859.next_severity).
TABLE_VIII = None
