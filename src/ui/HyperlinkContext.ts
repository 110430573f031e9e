/** Whether StyledLine writes link spans as OSC 8 hyperlinks (resolved once from `[ui] hyperlinks` and the terminal). */
import { createContext } from 'react';

export const HyperlinkContext = createContext(false);
