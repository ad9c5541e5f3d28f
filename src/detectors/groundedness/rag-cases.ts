// Hand-made RAG cases for the groundedness tests: a context, a grounded answer, and answers with one planted fault each.

export interface RagCase {
  topic: string;
  documents: string[];
  prompt: string;
  grounded: string;
  changedNumber: string;
  changedName: string;
  addedClaim: string;
  negationFlip: string;
}

export const RAG_CASES: readonly RagCase[] = [
  {
    topic: 'eiffel',
    documents: [
      'The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France. It is named after the engineer Gustave Eiffel, whose company designed and built the tower between 1887 and 1889.',
      'The tower is 330 metres tall. It was the tallest man-made structure in the world until the Chrysler Building in New York City was finished in 1930.',
    ],
    prompt: 'Tell me about the Eiffel Tower.',
    grounded: 'The Eiffel Tower stands on the Champ de Mars in Paris. The company of Gustave Eiffel designed and built it between 1887 and 1889. It is 330 metres tall.',
    changedNumber: 'The Eiffel Tower stands on the Champ de Mars in Paris. The company of Gustave Eiffel designed and built it between 1887 and 1889. It is 410 metres tall.',
    changedName: 'The Eiffel Tower stands on the Champ de Mars in Paris. The company of Thomas Edison designed and built it between 1887 and 1889. It is 330 metres tall.',
    addedClaim: 'The Eiffel Tower stands on the Champ de Mars in Paris. The company of Gustave Eiffel designed and built it between 1887 and 1889. Each spring the tower is repainted gold to celebrate the national football team.',
    negationFlip: 'The Eiffel Tower stands on the Champ de Mars in Paris. The company of Gustave Eiffel did not design or build it. It is 330 metres tall.',
  },
  {
    topic: 'refund policy',
    documents: [
      'Customers may return unused items within 30 days of delivery for a full refund. Refunds are issued to the original payment method within 5 business days after the return is received.',
      'Items marked as final sale cannot be returned. Shipping costs for returns are paid by the customer unless the item arrived damaged.',
    ],
    prompt: 'What is your refund policy?',
    grounded: 'You can return unused items within 30 days of delivery for a full refund. The refund goes to your original payment method within 5 business days after we receive the return.',
    changedNumber: 'You can return unused items within 90 days of delivery for a full refund. The refund goes to your original payment method within 5 business days after we receive the return.',
    changedName: 'You can return unused items within 30 days of delivery for a full refund. The refund goes to your PayPal Wallet within 5 business days after we receive the return.',
    addedClaim: 'You can return unused items within 30 days of delivery for a full refund. We also offer free lifetime repairs on all electronics purchased during holiday sales events.',
    negationFlip: 'You can return unused items within 30 days of delivery for a full refund. Items marked as final sale can be returned as well.',
  },
  {
    topic: 'insulin',
    documents: [
      'Insulin is a hormone produced by the beta cells of the pancreas. It regulates blood glucose by allowing cells to absorb glucose from the bloodstream.',
      'Frederick Banting and Charles Best discovered insulin in 1921 at the University of Toronto. The first patient was treated with insulin in January 1922.',
    ],
    prompt: 'Who discovered insulin and what does it do?',
    grounded: 'Insulin is a hormone made by the beta cells of the pancreas and it regulates blood glucose. Frederick Banting and Charles Best discovered it in 1921 at the University of Toronto.',
    changedNumber: 'Insulin is a hormone made by the beta cells of the pancreas and it regulates blood glucose. Frederick Banting and Charles Best discovered it in 1935 at the University of Toronto.',
    changedName: 'Insulin is a hormone made by the beta cells of the pancreas and it regulates blood glucose. Louis Pasteur and Charles Best discovered it in 1921 at the University of Toronto.',
    addedClaim: 'Insulin is a hormone made by the beta cells of the pancreas and it regulates blood glucose. Modern insulin is usually harvested from genetically modified sunflowers grown in greenhouses.',
    negationFlip: 'Insulin is a hormone that is not produced by the pancreas. Frederick Banting and Charles Best discovered it in 1921 at the University of Toronto.',
  },
  {
    topic: 'api limits',
    documents: [
      'The free plan allows 1,000 API requests per day and a maximum of 10 requests per second. Requests above the limit receive HTTP status 429.',
      'The Pro plan costs $49 per month and raises the daily limit to 50,000 requests. Enterprise customers can negotiate custom limits with the sales team.',
    ],
    prompt: 'What are the API rate limits?',
    grounded: 'On the free plan you get 1000 API requests per day, with at most 10 requests per second, and requests over the limit get status 429. The Pro plan costs $49 per month and allows 50,000 requests per day.',
    changedNumber: 'On the free plan you get 1000 API requests per day, with at most 10 requests per second, and requests over the limit get status 429. The Pro plan costs $79 per month and allows 50,000 requests per day.',
    changedName: 'On the free plan you get 1000 API requests per day, with at most 10 requests per second, and requests over the limit get status 429. The Platinum plan costs $49 per month and allows 50,000 requests per day.',
    addedClaim: 'On the free plan you get 1000 API requests per day, with at most 10 requests per second, and requests over the limit get status 429. Unused requests roll over to the following month and can be traded between accounts.',
    negationFlip: 'On the free plan you get 1000 API requests per day, with at most 10 requests per second, and requests over the limit do not receive status 429. The Pro plan costs $49 per month and allows 50,000 requests per day.',
  },
  {
    topic: 'photosynthesis',
    documents: [
      'Photosynthesis converts light energy into chemical energy stored in glucose. It takes place in the chloroplasts of plant cells, which contain the green pigment chlorophyll.',
      'The process uses carbon dioxide and water and releases oxygen as a by-product. Jan Ingenhousz showed in 1779 that light is essential for plants to produce oxygen.',
    ],
    prompt: 'How does photosynthesis work?',
    grounded: 'Photosynthesis turns light energy into chemical energy stored in glucose, inside the chloroplasts of plant cells. It uses carbon dioxide and water and releases oxygen.',
    changedNumber: 'Photosynthesis turns light energy into chemical energy stored in glucose, inside the chloroplasts of plant cells. In 1850 Jan Ingenhousz showed that light is essential for plants to produce oxygen.',
    changedName: 'Photosynthesis turns light energy into chemical energy stored in glucose, inside the chloroplasts of plant cells. Gregor Mendel showed in 1779 that light is essential for plants to produce oxygen.',
    addedClaim: 'Photosynthesis turns light energy into chemical energy stored in glucose, inside the chloroplasts of plant cells. Most plants also absorb nitrogen directly from moonlight during the winter months.',
    negationFlip: 'Photosynthesis turns light energy into chemical energy stored in glucose, inside the chloroplasts of plant cells. It uses carbon dioxide and water and does not release oxygen.',
  },
  {
    topic: 'company history',
    documents: [
      'Northwind Traders was founded in 1998 by Maria Anders in Hamburg, Germany. The company started as a small importer of specialty foods.',
      'In 2015 Northwind opened its first warehouse in Lyon and today employs about 2,400 people across 12 countries. Its chief executive since 2019 is Thomas Hardy.',
    ],
    prompt: 'Give me a short history of Northwind Traders.',
    grounded: 'Northwind Traders was founded by Maria Anders in Hamburg in 1998 as a small importer of specialty foods. It opened a warehouse in Lyon in 2015 and now employs about 2400 people in 12 countries.',
    changedNumber: 'Northwind Traders was founded by Maria Anders in Hamburg in 1998 as a small importer of specialty foods. It opened a warehouse in Lyon in 2015 and now employs about 9000 people in 12 countries.',
    changedName: 'Northwind Traders was founded by Maria Anders in Hamburg in 1998 as a small importer of specialty foods. It opened a warehouse in Madrid in 2015 and now employs about 2400 people in 12 countries.',
    addedClaim: 'Northwind Traders was founded by Maria Anders in Hamburg in 1998 as a small importer of specialty foods. The company was later fined for smuggling rare orchids through its shipping containers.',
    negationFlip: 'Northwind Traders was not founded by Maria Anders. It opened a warehouse in Lyon in 2015 and now employs about 2400 people in 12 countries.',
  },
  {
    topic: 'password reset',
    documents: [
      'To reset your password, open the sign-in page and select Forgot password. We send a reset link to the email address on your account.',
      'The reset link expires after 15 minutes and can be used only once. For security reasons, support staff never ask for your password.',
    ],
    prompt: 'How do I reset my password?',
    grounded: 'Open the sign-in page and select Forgot password, and we will email a reset link to the address on your account. The reset link expires after 15 minutes and works only once.',
    changedNumber: 'Open the sign-in page and select Forgot password, and we will email a reset link to the address on your account. The reset link expires after 48 minutes and works only once.',
    changedName: 'Open the sign-in page and select Recover Account, and we will email a reset link to the address on your account. The reset link expires after 15 minutes and works only once.',
    addedClaim: 'Open the sign-in page and select Forgot password, and we will email a reset link to the address on your account. You can also reset it by texting your old password to our hotline.',
    negationFlip: 'Open the sign-in page and select Forgot password, and we will email a reset link to the address on your account. Support staff may ask for your password to verify your identity.',
  },
  {
    topic: 'moon landing',
    documents: [
      'Apollo 11 landed on the Moon on July 20, 1969. Neil Armstrong and Buzz Aldrin walked on the surface while Michael Collins stayed in lunar orbit aboard the command module Columbia.',
      'The astronauts collected 21.5 kilograms of lunar samples. The crew returned to Earth on July 24 and splashed down in the Pacific Ocean.',
    ],
    prompt: 'What happened during Apollo 11?',
    grounded: 'Apollo 11 landed on the Moon on July 20, 1969. Neil Armstrong and Buzz Aldrin walked on the surface while Michael Collins stayed in orbit, and the astronauts collected 21.5 kilograms of lunar samples.',
    changedNumber: 'Apollo 11 landed on the Moon on July 20, 1969. Neil Armstrong and Buzz Aldrin walked on the surface while Michael Collins stayed in orbit, and the astronauts collected 48 kilograms of lunar samples.',
    changedName: 'Apollo 11 landed on the Moon on July 20, 1969. Neil Armstrong and Yuri Gagarin walked on the surface while Michael Collins stayed in orbit, and the astronauts collected 21.5 kilograms of lunar samples.',
    addedClaim: 'Apollo 11 landed on the Moon on July 20, 1969. During the mission the crew planted a small vegetable garden near the landing site and harvested tomatoes.',
    negationFlip: 'Apollo 11 landed on the Moon on July 20, 1969. Neil Armstrong and Buzz Aldrin never walked on the surface, and the astronauts collected 21.5 kilograms of lunar samples.',
  },
];
