/** "1 item", "3 items": the list header reads naturally for any count. */
export const formatCount = (count, noun) => `${count} ${noun}${count === 1 ? '' : 's'}`;
