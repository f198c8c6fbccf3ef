using System.Globalization;
using System.Text;

namespace Easel.Engine.Text;

/// <summary>
/// Parses the common A1111 emphasis syntax: <c>(text)</c> ×1.1, <c>[text]</c> ÷1.1, <c>(text:1.3)</c> an explicit
/// factor; nested groups multiply. <c>\( \) \[ \] \\</c> are literal characters. Malformed input never throws:
/// a closing bracket with no open group is literal text, and groups still open at the end close there.
/// </summary>
public static class PromptWeighting
{
    public const double Emphasis = 1.1;

    /// <summary>Weighted runs in prompt order; adjacent runs of equal weight are merged and empty runs
    /// dropped, so an empty prompt gives an empty list.</summary>
    public static IReadOnlyList<WeightedText> Parse(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var parser = new Parser();
        for (int i = 0; i < prompt.Length;)
            i += parser.Step(prompt, i);
        return parser.Finish();
    }

    private sealed class Parser
    {
        // Pieces receive factors when the group around them closes; a group is the range of pieces from where
        // it opened to the end, so text after a bracket always starts a new piece.
        private readonly List<(StringBuilder Text, double Weight)> _pieces = [];
        private readonly Stack<int> _round = new();
        private readonly Stack<int> _square = new();
        private bool _startNewPiece = true;

        /// <summary>Consumes the syntax at <paramref name="i"/>; returns how many characters it used.</summary>
        public int Step(string s, int i)
        {
            char c = s[i];
            switch (c)
            {
                case '\\' when i + 1 < s.Length && s[i + 1] is '(' or ')' or '[' or ']' or '\\':
                    AppendLiteral(s[i + 1]);
                    return 2;
                case '(':
                    Open(_round);
                    return 1;
                case '[':
                    Open(_square);
                    return 1;
                case ')' when _round.Count > 0:
                    Close(_round, Emphasis);
                    return 1;
                case ']' when _square.Count > 0:
                    Close(_square, 1 / Emphasis);
                    return 1;
                case ':' when _round.Count > 0 && TryReadExplicitWeight(s, i, out double weight, out int length):
                    Close(_round, weight);
                    return length;
                default:
                    AppendLiteral(c);
                    return 1;
            }
        }

        public List<WeightedText> Finish()
        {
            while (_round.Count > 0)
                Close(_round, Emphasis);
            while (_square.Count > 0)
                Close(_square, 1 / Emphasis);

            var result = new List<WeightedText>();
            foreach (var (text, weight) in _pieces)
            {
                if (text.Length == 0)
                    continue;
                float w = (float)weight;
                if (result.Count > 0 && result[^1].Weight == w)
                    result[^1] = result[^1] with { Text = result[^1].Text + text };
                else
                    result.Add(new WeightedText(text.ToString(), w));
            }
            return result;
        }

        private void AppendLiteral(char c)
        {
            if (_startNewPiece || _pieces.Count == 0)
            {
                _pieces.Add((new StringBuilder(), 1.0));
                _startNewPiece = false;
            }
            _pieces[^1].Text.Append(c);
        }

        private void Open(Stack<int> groups)
        {
            groups.Push(_pieces.Count);
            _startNewPiece = true;
        }

        private void Close(Stack<int> groups, double factor)
        {
            for (int p = groups.Pop(); p < _pieces.Count; p++)
                _pieces[p] = (_pieces[p].Text, _pieces[p].Weight * factor);
            _startNewPiece = true;
        }

        /// <summary>Matches <c>:\s*[+-]?[0-9.]+\s*\)</c> at <paramref name="colon"/> with a parsable number.</summary>
        private static bool TryReadExplicitWeight(string s, int colon, out double weight, out int length)
        {
            weight = 0;
            length = 0;
            int i = SkipSpaces(s, colon + 1);
            int numberStart = i;
            if (i < s.Length && s[i] is '+' or '-')
                i++;
            int digitsStart = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
                i++;
            if (i == digitsStart)
                return false;
            string number = s[numberStart..i];
            i = SkipSpaces(s, i);
            if (i >= s.Length || s[i] != ')')
                return false;
            if (!double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                    CultureInfo.InvariantCulture, out weight) || !double.IsFinite(weight))
                return false;
            length = i + 1 - colon;
            return true;
        }

        private static int SkipSpaces(string s, int i)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i]))
                i++;
            return i;
        }
    }
}
