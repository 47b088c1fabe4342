/** A tier-1 category of the IAB Tech Lab Content Taxonomy 3.0, with the words that point to it. */
export interface IabCategory {
  /** The taxonomy's Unique ID (numeric for categories carried over from 2.x, alphanumeric for new ones). */
  id: string;
  /** The tier-1 name exactly as the taxonomy spells it: the model answers with one of these. */
  name: string;
  /**
   * Words and phrases that suggest the category, for the extractive choice: mostly the
   * category's own tier-2 and tier-3 names, lower-cased, with a few everyday synonyms.
   * Singular forms; the matcher accepts plurals.
   */
  vocabulary: readonly string[];
}

/**
 * The fixed list chapters are classified into: every tier-1 row (no parent) of Content
 * Taxonomy 3.0 (InteractiveAdvertisingBureau/Taxonomies, "Content Taxonomy 3.0.tsv"). A model
 * answer outside it is refused, so a report never carries a category a buyer cannot map.
 */
export const IAB_TIER1: readonly IabCategory[] = [
  { id: '150', name: 'Attractions', vocabulary: ['amusement park', 'theme park', 'museum', 'gallery', 'zoo', 'aquarium', 'nightclub', 'casino', 'landmark', 'sightseeing'] },
  { id: '1', name: 'Automotive', vocabulary: ['car', 'truck', 'vehicle', 'sedan', 'suv', 'motorcycle', 'scooter', 'driver', 'engine', 'auto repair', 'convertible', 'minivan'] },
  { id: '42', name: 'Books and Literature', vocabulary: ['book', 'novel', 'fiction', 'poetry', 'poem', 'literature', 'comic', 'graphic novel', 'author'] },
  { id: '52', name: 'Business and Finance', vocabulary: ['business', 'company', 'economy', 'market', 'industry', 'startup', 'investment', 'venture capital', 'marketing', 'advertising', 'sales', 'commodity', 'currency', 'merger'] },
  { id: '123', name: 'Careers', vocabulary: ['career', 'job', 'resume', 'apprenticeship', 'job search', 'remote working', 'vocational training', 'interview', 'hiring'] },
  { id: '80DV8O', name: 'Communication', vocabulary: ['communication', 'letter', 'telephone', 'messaging', 'conversation', 'correspondence'] },
  { id: '380', name: 'Crime', vocabulary: ['crime', 'police', 'murder', 'theft', 'robbery', 'criminal', 'arrest', 'detective'] },
  { id: '381', name: 'Disasters', vocabulary: ['disaster', 'earthquake', 'flood', 'hurricane', 'wildfire', 'tsunami', 'famine', 'evacuation'] },
  { id: '132', name: 'Education', vocabulary: ['education', 'school', 'college', 'university', 'student', 'teacher', 'homework', 'lesson', 'classroom', 'homeschooling', 'language learning'] },
  { id: 'JLBCU7', name: 'Entertainment', vocabulary: ['movie', 'film', 'cinema', 'music', 'song', 'album', 'concert', 'television', 'tv show', 'episode', 'band'] },
  { id: '8VZQHL', name: 'Events', vocabulary: ['awards show', 'conference', 'expo', 'convention', 'festival', 'ceremony'] },
  { id: '186', name: 'Family and Relationships', vocabulary: ['family', 'marriage', 'parenting', 'divorce', 'dating', 'eldercare', 'adoption', 'bereavement', 'wife', 'husband', 'sister', 'brother', 'daughter', 'son', 'mother', 'father'] },
  { id: '201', name: 'Fine Art', vocabulary: ['art', 'painting', 'sculpture', 'dance', 'opera', 'theater', 'theatre', 'costume', 'design', 'modern art', 'digital art'] },
  { id: '210', name: 'Food & Drink', vocabulary: ['food', 'cooking', 'recipe', 'restaurant', 'dining', 'baking', 'dessert', 'barbecue', 'wine', 'beer', 'coffee', 'vegan', 'vegetarian', 'cuisine'] },
  { id: 'SPSHQ5', name: 'Genres', vocabulary: ['documentary', 'comedy', 'drama', 'horror', 'romance', 'mystery', 'fantasy', 'science fiction', 'western', 'animation', 'anime', 'talk show', 'reality tv', 'true crime', 'biography'] },
  { id: '223', name: 'Healthy Living', vocabulary: ['fitness', 'exercise', 'workout', 'nutrition', 'wellness', 'weight loss', 'running', 'jogging', 'yoga', 'meditation'] },
  { id: '239', name: 'Hobbies & Interests', vocabulary: ['hobby', 'crafts', 'woodworking', 'knitting', 'needlework', 'photography', 'collecting', 'board game', 'card game', 'puzzle', 'genealogy', 'magic trick', 'birdwatching', 'beekeeping'] },
  { id: '1KXCLD', name: 'Holidays', vocabulary: ['holiday', 'christmas', 'thanksgiving', 'new year', 'easter', 'independence day', 'halloween'] },
  { id: '274', name: 'Home & Garden', vocabulary: ['home improvement', 'garden', 'gardening', 'interior decorating', 'landscaping', 'remodeling', 'home appliance', 'smart home', 'furniture'] },
  { id: '383', name: 'Law', vocabulary: ['law', 'lawyer', 'court', 'judge', 'lawsuit', 'attorney', 'legislation', 'trial', 'verdict'] },
  { id: '286', name: 'Medical Health', vocabulary: ['medical', 'doctor', 'hospital', 'disease', 'cancer', 'diabetes', 'surgery', 'vaccine', 'patient', 'diagnosis', 'mental health', 'pregnancy', 'medicine'] },
  { id: '163', name: 'Personal Celebrations & Life Events', vocabulary: ['wedding', 'birthday', 'anniversary', 'graduation', 'funeral', 'baby shower', 'prom', 'bachelor party'] },
  { id: '391', name: 'Personal Finance', vocabulary: ['personal finance', 'savings', 'mortgage', 'loan', 'credit card', 'insurance', 'retirement', 'tax', 'budgeting', 'pension', 'debt'] },
  { id: '422', name: 'Pets', vocabulary: ['pet', 'dog', 'cat', 'puppy', 'kitten', 'veterinary', 'aquarium fish', 'parrot'] },
  { id: '386', name: 'Politics', vocabulary: ['politics', 'election', 'vote', 'parliament', 'congress', 'senate', 'government', 'policy', 'campaign', 'president', 'minister'] },
  { id: '432', name: 'Pop Culture', vocabulary: ['celebrity', 'scandal', 'gossip', 'red carpet', 'satire', 'humor', 'fame'] },
  { id: '441', name: 'Real Estate', vocabulary: ['real estate', 'apartment', 'house for sale', 'property', 'rent', 'lease', 'landlord', 'tenant'] },
  { id: '453', name: 'Religion & Spirituality', vocabulary: ['religion', 'church', 'faith', 'prayer', 'god', 'christianity', 'islam', 'judaism', 'buddhism', 'hinduism', 'spirituality', 'astrology'] },
  { id: '464', name: 'Science', vocabulary: ['science', 'biology', 'chemistry', 'physics', 'genetics', 'geology', 'astronomy', 'space', 'planet', 'experiment', 'environment', 'weather', 'climate'] },
  { id: 'v9i3On', name: 'Sensitive Topics', vocabulary: ['terrorism', 'weapon', 'firearm', 'ammunition', 'illegal drug', 'hate speech', 'piracy', 'explicit', 'profanity'] },
  { id: '473', name: 'Shopping', vocabulary: ['shopping', 'coupon', 'discount', 'sale', 'grocery', 'gift', 'store', 'lottery'] },
  { id: '483', name: 'Sports', vocabulary: ['sport', 'football', 'soccer', 'basketball', 'baseball', 'tennis', 'golf', 'cricket', 'rugby', 'hockey', 'olympic', 'match', 'athlete', 'team', 'goal', 'boxing', 'cycling', 'swimming'] },
  { id: '552', name: 'Style & Fashion', vocabulary: ['fashion', 'style', 'clothing', 'beauty', 'makeup', 'hair care', 'skin care', 'perfume', 'jewelry', 'designer', 'outfit'] },
  { id: '596', name: 'Technology & Computing', vocabulary: ['technology', 'computer', 'computing', 'software', 'internet', 'artificial intelligence', 'robot', 'smartphone', 'laptop', 'programming', 'code', 'cloud computing', 'database', 'virtual reality', 'app'] },
  { id: '653', name: 'Travel', vocabulary: ['travel', 'trip', 'hotel', 'flight', 'vacation', 'tourism', 'cruise', 'camping', 'road trip', 'beach', 'passport'] },
  { id: '680', name: 'Video Gaming', vocabulary: ['video game', 'gaming', 'esports', 'console', 'gamer', 'pc game', 'mobile game', 'playstation', 'xbox', 'nintendo'] },
  { id: '389', name: 'War and Conflicts', vocabulary: ['war', 'battle', 'army', 'soldier', 'military', 'conflict', 'invasion', 'troops'] },
];

/** The names the model may answer with, in the taxonomy's order. */
export const IAB_TIER1_NAMES: readonly string[] = IAB_TIER1.map((c) => c.name);

/** The category with this exact name (case and surrounding spaces aside), or undefined: anything else is not on the list. */
export function iabCategoryNamed(name: string): IabCategory | undefined {
  const wanted = name.trim().toLowerCase();
  return IAB_TIER1.find((c) => c.name.toLowerCase() === wanted);
}
