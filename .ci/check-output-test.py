#!/usr/bin/env python3
"""Cases of .ci/check-output.py's rules, on the Fashion-MNIST quick run's expected output (and the digits
sample's, for its fresh-process rule): it must pass what the rules allow and refuse what they do not.
Run by .ci/run before the samples."""
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
expected_path = os.path.join(here, '..', 'samples', 'FashionMnist', 'expected-output-quick.txt')
expected = open(expected_path, encoding='utf-8').read().splitlines()


def edited(lines, *changes):
    """lines with each (line prefix, old, new) replacement applied to the first line that starts so and holds old."""
    out = list(lines)
    for prefix, old, new in changes:
        index = next((i for i, l in enumerate(out) if l.startswith(prefix) and old in l), None)
        assert index is not None, (prefix, old)
        out[index] = out[index].replace(old, new)
    return out


def check(lines, against=expected_path, options=()):
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False, encoding='utf-8') as f:
        f.write(''.join(line + '\n' for line in lines))   # no lines: an empty file
    try:
        result = subprocess.run([sys.executable, os.path.join(here, 'check-output.py'), against, f.name, *options], capture_output=True, text=True)
        # A traceback exits 1 too: it is no refusal, and a case that should be refused must not pass on it.
        if result.stderr:
            sys.exit(f'check-output.py failed on a case: {result.stderr.strip().splitlines()[-1]}')
        return result.returncode == 0
    finally:
        os.unlink(f.name)


sigmoid_row = '8x8 patches, 400 hidden, ZCA 0.1            sigmoid code'
quarter_rows = ('8x8 patches, 400 hidden, ZCA 0.1            soft threshold 0.25   0.002', '8x8 patches, 400 hidden, ZCA 0.1            soft threshold 0.25   0.006')
# As a Zen 3 run (2026-12-04) did, the sigmoid code chosen where it validated 0.001 above soft threshold 0.25: another
# encoding, so the final featurizer's line names it and counts half the features, and Shirt's recall moved by 0.0305.
sigmoid_choice = edited(expected,
    (sigmoid_row, '0.8590', '0.8640'),
    (quarter_rows[0], '0.8650', '0.8630'),
    (quarter_rows[1], '0.8650', '0.8630'),
    ('chosen:', 'soft threshold 0.25, L2/row 0.002 (validation 0.8650)', 'sigmoid code, L2/row 0.002 (validation 0.8640)'),
    ('final featurizer:', 'soft threshold 0.25', 'sigmoid code'),
    ('final featurizer:', '7200 features', '3600 features'),
    ('6 Shirt', '0.7411', '0.7106'))
six_row = '6x6 patches, 400 hidden, ZCA 0.1            soft threshold 0.5'
eight_row = '8x8 patches, 400 hidden, ZCA 0.1            soft threshold 0.5    0.002'
# Another candidate chosen (6x6 patches, its figure within 0.01 of the expected one, the trials built on it best): the trials built on it name it.
# Its trials (the two encodings, then the L2 of soft threshold 0.25 that wins on it) keep their figures.
six_choice = edited(expected,
    (six_row, '0.8510', '0.8600'),
    (sigmoid_row, '8x8 patches', '6x6 patches'),
    ('8x8 patches, 400 hidden, ZCA 0.1            soft threshold 0.25   0.002', '8x8 patches', '6x6 patches'),
    ('8x8 patches, 400 hidden, ZCA 0.1            soft threshold 0.25   0.006', '8x8 patches', '6x6 patches'),
    ('chosen:', '8x8 patches', '6x6 patches'),
    ('final featurizer:', '8x8 patches', '6x6 patches'))
cases = [
    ('the expected output itself', expected, True),
    ('another encoding, its table\'s best, its feature count, a recall 0.0305 off', sigmoid_choice, True),
    ('a choice 0.02 below the best', edited(sigmoid_choice, (sigmoid_row, '0.8640', '0.8440'), ('chosen:', '0.8640', '0.8440')), False),
    ('another choice whose line states a validation its table row does not have (0.012 below the best)',
     edited(sigmoid_choice, (sigmoid_row, '0.8640', '0.8510')), False),
    ('another choice that is no row of the table', edited(sigmoid_choice, ('chosen:', 'sigmoid code', 'linear code'), ('final featurizer:', 'sigmoid code', 'linear code')), False),
    ('a word changed on the line that names the choice', edited(sigmoid_choice, ('final featurizer:', 'L-BFGS', 'Adam')), False),
    ('the same choice and a recall 0.0305 off', edited(expected, ('6 Shirt', '0.7411', '0.7106')), False),
    ('the same choice and another feature count', edited(expected, ('final featurizer:', '7200 features', '3600 features')), False),
    # Only the feature count follows the choice: the final featurizer's other integers are held exactly (every
    # integer of its line passed after another choice, so 100 L-BFGS iterations could read 10).
    ('another choice and another iteration count', edited(sigmoid_choice, ('final featurizer:', '100 L-BFGS', '10 L-BFGS')), False),
    ('a recall 0.07 off after another choice', edited(sigmoid_choice, ('6 Shirt', '0.7106', '0.6711')), False),
    ('one image of a class predicted as another class', edited(expected, ('6 Shirt', '15     1', '16     0')), True),
    ('a confusion row under another class index', edited(expected, ('6 Shirt', '6 Shirt', '5 Shirt')), False),
    ('a confusion row whose counts no longer add up to its class', edited(expected, ('6 Shirt', '15     1', '15     2')), False),
    ('a confusion row with a negative count that the sum left out', edited(expected, ('0 T-shirt', '  2     4', ' -2     6')), False),
    ('a confusion row with a negative count balanced by another', edited(expected, ('0 T-shirt', '  2     4', ' -2     8')), False),
    ('a confusion row with a fractional count', edited(expected, ('0 T-shirt', '  2     4', '2.5     4')), False),
    ('another candidate chosen, its table\'s best, the trials built on it named so', six_choice, True),
    ('another candidate chosen, and another candidate\'s row with another hidden count',
     edited(six_choice, (eight_row, '400 hidden', '999 hidden')), False),
    # The 8x8 candidate's own row renamed to the 6x6 choice (a list that tried 6x6 twice and 8x8 never): it passed,
    # the choice's settings standing for the expected's on every line.
    ('another candidate chosen, and another plain candidate\'s row named as the choice',
     edited(six_choice, (eight_row, '8x8 patches', '6x6 patches'), (six_row, '0.8600', '0.8595')), False),
    # The search keeps only a strictly better trial: a choice below its own table's best, or a later row of equal
    # figure, is no output it makes (both passed, within 0.01 of the best).
    ('the expected choice, below its own table\'s best', edited(expected, (sigmoid_row, '0.8590', '0.8660')), False),
    ('another choice, a later row of the same figure as the first best',
     edited(expected, ('chosen:', 'L2/row 0.002 (validation 0.8650)', 'L2/row 0.006 (validation 0.8650)')), False),
    ('a trial printed twice', edited(expected, (quarter_rows[1], '0.006', '0.002')), False),
    # As this Zen 5's 256-bit run did (2026-12-07): the plain 8x8 candidate chosen, soft threshold 0.5, the first of its
    # table's best (tied with the sigmoid code after it), and the L2 trial built on it named so.
    ('the plain candidate chosen, first of two best rows, its L2 trial named so',
     edited(expected,
        (quarter_rows[0], '0.8650', '0.8580'),
        (quarter_rows[1], 'soft threshold 0.25   0.006    0.8650', 'soft threshold 0.5    0.006    0.8580'),
        ('chosen:', 'soft threshold 0.25, L2/row 0.002 (validation 0.8650)', 'soft threshold 0.5, L2/row 0.002 (validation 0.8590)'),
        ('final featurizer:', 'soft threshold 0.25', 'soft threshold 0.5')), True),
]
# The digits sample's fresh-process rule: its "N of M right (a)" must repeat the trained model's accuracy.
digits_path = os.path.join(here, '..', 'samples', 'Digits', 'expected-output.txt')
digits = open(digits_path, encoding='utf-8').read().splitlines()
fresh_347 = ('fresh process', '348 of 355 right (0.9803)', '347 of 355 right (0.9775)')
digits_cases = [
    ('digits: the expected output itself', digits, True),
    ('digits: another accuracy, the fresh process repeating it', edited(digits, ('sparse autoencoder', '0.9803', '0.9775'), fresh_347), True),
    ('digits: the fresh process not repeating the trained accuracy', edited(digits, fresh_347), False),
    ('digits: the same, the trained line ending in a blank', edited(digits, ('sparse autoencoder', '0.9803', '0.9803 '), fresh_347), False),
    ('digits: the same, the fresh line ending in a blank', edited(digits, (fresh_347[0], fresh_347[1], fresh_347[2] + ' ')), False),
    # What a broken run prints: nothing, a NaN for a figure, a line short, a line more.
    ('digits: an empty output', [], False),
    ('digits: a NaN for an accuracy', edited(digits, ('raw pixels', '0.9634', 'NaN')), False),
    ('digits: a NaN for the trained accuracy, the fresh process repeating it', edited(digits, ('sparse autoencoder', '0.9803', 'NaN'), ('fresh process', '(0.9803)', '(NaN)')), False),
    ('digits: the last line missing', digits[:-1], False),
    ('digits: a line more', digits + ['Unhandled exception. System.InvalidOperationException'], False),
]
# The WordNet sample's wider tolerances on its lines that name a code alone (as .ci/run checks them), 0.05 on a macro-F1
# and 0.035 on an accuracy: the token counts' lines, which do not move between vector widths, keep 0.01, so a drop of
# 0.049 there is refused.
wordnet_path = os.path.join(here, '..', 'samples', 'WordNetSupersenses', 'expected-output-quick.txt')
wordnet = open(wordnet_path, encoding='utf-8').read().splitlines()
wordnet_options = ('--decimal', '0.05', '--matching', 'code.*(macro-F1|validated)|^macro-F1: .*code', '--decimal', '0.035', '--matching', 'code')
wordnet_cases = [
    ('wordnet: the expected output itself', wordnet, True),
    # A code's accuracy within 0.035, its macro-F1 within 0.05 (a table row by its table's measure, a difference by its words).
    ('wordnet: a code\'s accuracy 0.034 off', edited(wordnet, ('  (d) sparse code (256)', '0.5040', '0.4700')), True),
    ('wordnet: a code\'s accuracy 0.045 off', edited(wordnet, ('  (d) sparse code (256)', '0.5040', '0.4590')), False),
    ('wordnet: a code\'s macro-F1 0.045 off', edited(wordnet, ('  (d) sparse code (256)', '0.3217', '0.2767')), True),
    ('wordnet: a code\'s macro-F1 0.055 off', edited(wordnet, ('  (d) sparse code (256)', '0.3217', '0.2667')), False),
    ('wordnet: a code\'s macro-F1 difference 0.045 off', edited(wordnet, ('  code (64) + token counts against token counts alone, macro-F1', '-0.0209', '-0.0659')), True),
    ('wordnet: a code\'s accuracy difference 0.045 off', edited(wordnet, ('  code (64) + token counts against token counts alone, accuracy', '-0.0080', '-0.0530')), False),
    # A validated line's choice of weight can flip between CPUs (a Zen 5's 128-bit path: 0.040 in an accuracy): 0.05 there.
    ('wordnet: a validated code\'s accuracy 0.045 off', edited(wordnet, ('  (f) code (256) + tokens, validated', '0.6290', '0.5840')), True),
    ('wordnet: a validated code\'s accuracy 0.055 off', edited(wordnet, ('  (f) code (256) + tokens, validated', '0.6290', '0.5740')), False),
    ('wordnet: LDA\'s macro-F1 0.02 off', edited(wordnet, ('  (c) LDA, 64 topics', '0.1251', '0.1451')), False),
    ('wordnet: the token counts 0.049 lower', edited(wordnet, ('  (a) token counts', '0.6290', '0.5800')), False),
    ('wordnet: the token counts 0.009 lower', edited(wordnet, ('  (a) token counts', '0.6290', '0.6200')), True),
    ('wordnet: LDA 0.02 higher', edited(wordnet, ('  (c) LDA, 64 topics', '0.3160', '0.3360')), False),
    # Table 3's rows start with a count of labels, under a header that starts with "labelled": its macro-F1 rows had
    # no measure, so a code's macro-F1 there was held to 0.035, and its token counts' to 0.01 as before.
    ('wordnet: table 3, a code\'s macro-F1 0.045 off', edited(wordnet, ('      3998  (e) code (256) + token counts', '0.3946', '0.4396')), True),
    ('wordnet: table 3, a code\'s macro-F1 0.055 off', edited(wordnet, ('      3998  (e) code (256) + token counts', '0.3946', '0.4496')), False),
    ('wordnet: table 3, the token counts\' macro-F1 0.02 off', edited(wordnet, ('      3998  (a) token counts ', '0.4276', '0.4476')), False),
]
failures = [name for name, lines, passes in cases if check(lines) != passes]
failures += [name for name, lines, passes in digits_cases if check(lines, digits_path) != passes]
failures += [name for name, lines, passes in wordnet_cases if check(lines, wordnet_path, wordnet_options) != passes]
cases += digits_cases + wordnet_cases
for name in failures:
    print(f'check-output.py got this case wrong: {name}')
print(f'check-output.py: {len(cases) - len(failures)} of {len(cases)} cases right')
sys.exit(1 if failures else 0)
