/** Labels on every lab container: which lab owns it and what to undo on the host when it is removed. */
export const LABEL_LAB_DIR = 't1c-lab.dir';
export const LABEL_CARD_HOST = 't1c-lab.card-host';
