package mnist.app.report;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small well-formedness check for the report (which is written as XHTML): one root element, every
 * tag closed in order, attributes quoted and unique, no bare '<' or '&' in text or attribute values.
 * (javax.xml would do it too, but java.xml is not a module mnist.app reads.)
 */
public final class XmlCheck {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][-A-Za-z0-9_.:]*");
    private static final Pattern ATTRIBUTE = Pattern.compile("\\s+(" + NAME.pattern() + ")=\"([^\"<]*)\"");
    private static final Pattern ENTITY = Pattern.compile("&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);");

    private XmlCheck() {
    }

    /** Throws AssertionError naming the first problem and its offset. */
    public static void wellFormed(String xml) {
        int i = 0;
        Deque<String> open = new ArrayDeque<>();
        boolean rootSeen = false;
        while (i < xml.length()) {
            int lt = xml.indexOf('<', i);
            String text = xml.substring(i, lt < 0 ? xml.length() : lt);
            checkText(text, i);
            if (!open.isEmpty() || text.isBlank()) {
                // text outside the root must be blank
            } else {
                throw new AssertionError("text outside the root element at " + i);
            }
            if (lt < 0) {
                break;
            }
            if (xml.startsWith("<!--", lt)) {
                int end = xml.indexOf("-->", lt);
                require(end > 0, "unterminated comment", lt);
                i = end + 3;
            } else if (xml.startsWith("<!DOCTYPE", lt)) {
                require(!rootSeen, "DOCTYPE after the root element", lt);
                i = xml.indexOf('>', lt) + 1;
            } else if (xml.startsWith("<?", lt)) {
                i = xml.indexOf("?>", lt) + 2;
            } else if (xml.startsWith("</", lt)) {
                int end = xml.indexOf('>', lt);
                require(end > 0, "unterminated end tag", lt);
                String name = xml.substring(lt + 2, end).strip();
                require(!open.isEmpty() && open.peek().equals(name),
                        "end tag </" + name + "> but the open element is <" + open.peek() + ">", lt);
                open.pop();
                i = end + 1;
            } else {
                Matcher m = NAME.matcher(xml).region(lt + 1, xml.length());
                require(m.lookingAt(), "bad tag name", lt);
                String name = m.group();
                int j = m.end();
                java.util.Set<String> names = new java.util.HashSet<>();
                Matcher a = ATTRIBUTE.matcher(xml);
                while (true) {
                    a.region(j, xml.length());
                    if (!a.lookingAt()) {
                        break;
                    }
                    require(names.add(a.group(1)), "attribute " + a.group(1) + " given twice", j);
                    checkText(a.group(2), a.start(2));
                    j = a.end();
                }
                while (j < xml.length() && Character.isWhitespace(xml.charAt(j))) {
                    j++;
                }
                boolean empty = xml.startsWith("/>", j);
                require(empty || xml.startsWith(">", j), "malformed tag <" + name + " (unquoted attribute, or not closed)", j);
                require(!rootSeen || !open.isEmpty(), "a second root element <" + name + ">", lt);
                rootSeen = true;
                if (!empty) {
                    open.push(name);
                }
                i = j + (empty ? 2 : 1);
            }
        }
        require(rootSeen, "no root element", 0);
        require(open.isEmpty(), "unclosed elements " + open, xml.length());
    }

    private static void checkText(String text, int offset) {
        for (int k = text.indexOf('&'); k >= 0; k = text.indexOf('&', k + 1)) {
            require(ENTITY.matcher(text).region(k, text.length()).lookingAt(), "bare '&' or unknown entity", offset + k);
        }
    }

    private static void require(boolean ok, String problem, int offset) {
        if (!ok) {
            throw new AssertionError("not well-formed: " + problem + " at offset " + offset);
        }
    }
}
